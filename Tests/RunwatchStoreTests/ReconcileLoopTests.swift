import Foundation
import Logging
import RunwatchCore
import Synchronization
import TestStorage
import Testing

@testable import RunwatchStore

/// Log records captured in memory so tests can assert on what the loop logged.
final class LogCapture: Sendable {
  struct Record: Sendable {
    let level: Logger.Level
    let message: String
    let metadata: Logger.Metadata
  }

  private let records = Mutex<[Record]>([])

  var all: [Record] { records.withLock { $0 } }

  func logger() -> Logger {
    Logger(label: "runwatch.test") { _ in Handler(capture: self) }
  }

  func append(_ record: Record) { records.withLock { $0.append(record) } }

  struct Handler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      capture.append(
        Record(level: event.level, message: event.message.description, metadata: event.metadata ?? [:]))
    }
  }
}

/// The background loop inside `serve`.
@Suite struct ReconcileLoopTests {
  @Test func tickLogsOnlyTicksThatChangedSomethingWithCountsAndDuration() throws {
    let fixture = try TestFixture()
    let capture = LogCapture()
    let loop = ReconcileLoop(reconciler: fixture.reconciler(), logger: capture.logger())
    _ = try fixture.createRun()
    #expect(loop.tick() == ReconcileResult())
    #expect(capture.all.isEmpty)
    fixture.clock.advance(by: 900)
    #expect(loop.tick()?.reconciled == 1)
    let record = try #require(capture.all.first)
    #expect(capture.all.count == 1)
    #expect(record.level == .info)
    #expect(record.message == "reconcile tick changed runs")
    #expect(record.metadata["reconcile.reconciled"] == "1")
    #expect(record.metadata["reconcile.candidates"] == "1")
    #expect(record.metadata["reconcile.skipped"] == "0")
    #expect(record.metadata["reconcile.duration_ms"] != nil)
    #expect(loop.tick() == ReconcileResult())
    #expect(capture.all.count == 1)
  }

  @Test func aFailingTickIsLoggedAndTheNextTickStillHeals() throws {
    let fixture = try TestFixture()
    let failures = Mutex(1)
    let flaky = LifecycleFaults(afterStep: { _ in
      let shouldFail = failures.withLock { remaining in
        defer { remaining = max(0, remaining - 1) }
        return remaining > 0
      }
      if shouldFail { throw InjectedCrash() }
    })
    let capture = LogCapture()
    let loop = ReconcileLoop(
      reconciler: Reconciler(
        lifecycle: LifecycleService(database: fixture.database, clock: fixture.clock, faults: flaky),
        actor: .scheduledReconciler),
      logger: capture.logger())
    let run = try fixture.createRun()
    fixture.clock.advance(by: 900)
    #expect(loop.tick() == nil)
    #expect(capture.all.map(\.level) == [.error])
    #expect(capture.all.first?.message == "reconcile tick failed")
    #expect(try fixture.stored(run).status == .queued)
    #expect(loop.tick()?.reconciled == 1)
    #expect(try fixture.stored(run).status == .completed)
  }

  @Test func startRunsATickOnItsThreadAndStopWaitsForTheThread() async throws {
    let fixture = try TestFixture()
    _ = try fixture.createRun()
    fixture.clock.advance(by: 900)
    let (ticks, continuation) = AsyncStream.makeStream(of: ReconcileResult.self)
    let capture = LogCapture()
    let loop = ReconcileLoop(
      reconciler: fixture.reconciler(), logger: capture.logger(), interval: 3_600,
      onTick: { continuation.yield($0) })
    #expect(loop.interval == 3_600)
    loop.start()
    loop.start()
    var iterator = ticks.makeAsyncIterator()
    let first = await iterator.next()
    #expect(first?.reconciled == 1)
    // The next tick is an hour away: stop must wake the thread instead of waiting it out.
    loop.stop()
    continuation.finish()
    #expect(await iterator.next() == nil)
    #expect(try fixture.writeCounts()["completed"] == 1)
    #expect(
      capture.all.map(\.message) == [
        "reconcile loop started", "reconcile tick changed runs", "reconcile loop stopped",
      ])
    loop.stop()
  }

  @Test func intervalDefaultsToThePolicy() throws {
    let fixture = try TestFixture()
    let loop = ReconcileLoop(reconciler: fixture.reconciler(), logger: LogCapture().logger())
    #expect(loop.interval == TimeInterval(LifecyclePolicy.builtIn.reconcile.intervalSeconds))
  }
}
