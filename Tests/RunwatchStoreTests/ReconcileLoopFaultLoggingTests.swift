import Foundation
import Logging
import RunwatchCore
import SQLiteDB
import Synchronization
import TestStorage
import Testing

@testable import RunwatchStore

/// While the storage keeps failing (a full disk), the loop logs the failure once, not once per tick, logs the
/// recovery once, and heals on the first tick after.
@Suite struct ReconcileLoopFaultLoggingTests {
  @Test func aFailureStreakIsLoggedOnceAndItsRecoveryOnce() throws {
    let fixture = try TestFixture()
    let failures = Mutex(3)
    let full = LifecycleFaults(afterStep: { _ in
      let shouldFail = failures.withLock { remaining in
        defer { remaining = max(0, remaining - 1) }
        return remaining > 0
      }
      if shouldFail { throw SQLiteError(code: 13, message: "database or disk is full") }
    })
    let capture = LogCapture()
    let loop = ReconcileLoop(
      reconciler: Reconciler(
        lifecycle: LifecycleService(database: fixture.database, clock: fixture.clock, faults: full),
        actor: .scheduledReconciler),
      logger: capture.logger())
    let run = try fixture.createRun()
    fixture.clock.advance(by: 900)
    for _ in 0..<3 { #expect(loop.tick() == nil) }
    #expect(capture.all.map(\.message) == ["reconcile tick failed"])
    #expect(try fixture.stored(run).status == .queued)
    #expect(loop.tick()?.reconciled == 1)
    #expect(
      capture.all.map(\.message) == [
        "reconcile tick failed", "reconcile tick recovered", "reconcile tick changed runs",
      ])
    #expect(capture.all[1].metadata["reconcile.failed_ticks"] == "3")
    #expect(try fixture.stored(run).status == .completed)
  }
}
