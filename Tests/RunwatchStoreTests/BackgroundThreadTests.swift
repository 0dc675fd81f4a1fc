import Foundation
import Synchronization
import Testing

@testable import RunwatchStore

/// The thread the reconcile loop, the webhook deliverer and the demo fleet run on: passes until stopped, a
/// stop that waits for the pass in flight, and one thread at a time.
@Suite struct BackgroundThreadTests {
  @Test func passesRunUntilStopAndStopWaitsForTheThread() {
    let thread = BackgroundThread(name: "test-passes")
    let passes = Mutex(0)
    #expect(
      thread.start {
        passes.withLock { $0 += 1 }; return 0.001
      })
    #expect(!thread.start { 0 }, "one thread at a time")
    #expect(thread.isRunning)
    while passes.withLock({ $0 }) < 3 { Thread.sleep(forTimeInterval: 0.001) }
    #expect(thread.stop())
    let after = passes.withLock { $0 }
    Thread.sleep(forTimeInterval: 0.02)
    #expect(passes.withLock { $0 } == after, "no pass after stop() returned")
    #expect(!thread.isRunning && !thread.stop())
  }

  @Test func stopCutsALongWaitShortAndAPassSeesTheRequest() {
    let thread = BackgroundThread(name: "test-wait")
    let sawStop = Mutex(false)
    let inPass = Mutex(false)
    thread.start { [thread] in
      inPass.withLock { $0 = true }
      while !thread.stopRequested { Thread.sleep(forTimeInterval: 0.001) }
      sawStop.withLock { $0 = true }
      return 3_600
    }
    while !inPass.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.001) }
    #expect(thread.stop())
    #expect(sawStop.withLock { $0 }, "the pass in flight finished before stop() returned")
  }

  @Test func theFirstPassCanBeMadeToRunEvenWhenStoppedAtOnce() {
    let thread = BackgroundThread(name: "test-first")
    let passes = Mutex(0)
    thread.start(firstPassAlways: true) {
      passes.withLock { $0 += 1 }; return 3_600
    }
    thread.stop()
    #expect(passes.withLock { $0 } == 1)
    // And the thread can be started again.
    #expect(
      thread.start(firstPassAlways: true) {
        passes.withLock { $0 += 1 }; return 3_600
      })
    thread.stop()
    #expect(passes.withLock { $0 } == 2)
  }
}
