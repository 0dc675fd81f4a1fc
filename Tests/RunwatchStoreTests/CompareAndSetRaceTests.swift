import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// MISSION.md guarantee 2 under real concurrency: a worker's completion and a reconciliation racing on the same
/// run, on OS threads released together, against a real SQLite file. Exactly one applies; the loser is refused
/// with the run as it is now; a losing worker report is kept as a late report with an audit event.
@Suite struct CompareAndSetRaceTests {
  /// Results written by the racing threads. `@unchecked Sendable`: every access holds `lock`.
  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var completion: Result<TransitionResult, any Error>?
    private var reconciliation: Result<TransitionResult, any Error>?

    func record(completion result: Result<TransitionResult, any Error>) {
      lock.withLock { completion = result }
    }

    func record(reconciliation result: Result<TransitionResult, any Error>) {
      lock.withLock { reconciliation = result }
    }

    func both() throws -> (completion: TransitionResult, reconciliation: TransitionResult) {
      try lock.withLock {
        (try #require(completion).get(), try #require(reconciliation).get())
      }
    }
  }

  /// Runs `complete` and `forceFailNonTerminal` for `runID` on two threads that start at the same instant.
  static func race(
    runID: Int64, worker: LifecycleService, reconciler: LifecycleService, actor: Actor
  ) throws -> (completion: TransitionResult, reconciliation: TransitionResult) {
    let results = Results()
    let start = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    group.enter()
    group.enter()
    Thread {
      start.wait()
      results.record(
        completion: Result { try worker.complete(runID: runID, outcome: .succeeded, by: actor) })
      group.leave()
    }.start()
    Thread {
      start.wait()
      results.record(
        reconciliation: Result {
          try reconciler.forceFailNonTerminal(
            runID: runID, expectedStatus: .running, reason: .staleRunning,
            evidence: ["evaluated_by": "race test"], by: .scheduledReconciler)
        })
      group.leave()
    }.start()
    start.signal()
    start.signal()
    group.wait()
    return try results.both()
  }

  /// Checks the invariants after one race and returns which side won.
  static func checkOneWinner(
    _ results: (completion: TransitionResult, reconciliation: TransitionResult), runID: Int64,
    fixture: TestFixture
  ) throws -> String {
    let (completion, reconciliation) = results
    #expect(completion.isApplied != reconciliation.isApplied, "exactly one must apply")
    let stored = try #require(try fixture.database.run(id: runID))
    #expect(stored.status == .completed)
    let audit = try fixture.database.auditEvents(runID: runID).map(\.action)
    let terminalEvents = audit.filter { $0 == "run.completed" || $0 == "run.reconciled" }
    #expect(terminalEvents.count == 1, "\(audit)")
    let notifications = try fixture.database.pool.read {
      try $0.scalar("SELECT COUNT(*) FROM notifications WHERE run_id = ?", [runID])
    }
    #expect(notifications == 1)

    if completion.isApplied {
      #expect(stored == completion.run)
      #expect(stored.outcome == .succeeded && stored.reconciliation == nil)
      // The reconciler lost: refused with the run's terminal state, nothing written for it.
      #expect(reconciliation.refusal?.reason == .alreadyTerminal)
      #expect(reconciliation.refusal?.run == stored)
      #expect(reconciliation.refusal?.lateReportID == nil)
      #expect(try fixture.database.lateReports(runID: runID).isEmpty)
      #expect(terminalEvents == ["run.completed"])
      return "worker"
    }
    #expect(stored == reconciliation.run)
    #expect(stored.outcome == .failed && stored.reconciliation?.reason == .staleRunning)
    // The worker lost: its report is refused, kept as a late report and audited.
    let refusal = try #require(completion.refusal)
    #expect(refusal.reason == .alreadyTerminal)
    #expect(refusal.run == stored)
    let reports = try fixture.database.lateReports(runID: runID)
    #expect(reports.count == 1)
    #expect(reports.first?.id == refusal.lateReportID)
    #expect(reports.first?.kind == "complete")
    #expect(reports.first?.payload["outcome"]?.stringValue == "succeeded")
    #expect(terminalEvents == ["run.reconciled"])
    #expect(audit.last == "run.late_report_refused")
    return "reconciler"
  }

  @Test func workerCompletionRacingReconciliationThroughOneServiceHasExactlyOneWinner() throws {
    let fixture = try TestFixture()
    var winners: [String: Int] = [:]
    for _ in 0..<40 {
      let run = try fixture.createRun()
      _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
      let results = try Self.race(
        runID: run.id, worker: fixture.lifecycle, reconciler: fixture.lifecycle, actor: fixture.worker)
      winners[try Self.checkOneWinner(results, runID: run.id, fixture: fixture), default: 0] += 1
    }
    #expect(winners.values.reduce(0, +) == 40)
  }

  /// Two connections to one file, as when `serve` and a `runwatch reconcile` process run side by side: the
  /// in-process writer lock is not shared, so only SQLite's IMMEDIATE transaction and the status compare
  /// keep the two apart.
  @Test func racingWritersOnSeparateConnectionsHaveExactlyOneWinner() throws {
    let fixture = try TestFixture()
    let otherDatabase = try RunwatchDatabase(location: fixture.location, policy: .builtIn)
    let reconciler = LifecycleService(database: otherDatabase, clock: fixture.clock)
    for _ in 0..<40 {
      let run = try fixture.createRun()
      _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
      let results = try Self.race(
        runID: run.id, worker: fixture.lifecycle, reconciler: reconciler, actor: fixture.worker)
      _ = try Self.checkOneWinner(results, runID: run.id, fixture: fixture)
    }
  }
}
