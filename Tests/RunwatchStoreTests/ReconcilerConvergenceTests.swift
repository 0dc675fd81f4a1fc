import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// MISSION.md guarantees 1 (convergence), 3 (idempotent) and 5 (evidence).
@Suite struct ReconcilerConvergenceTests {
  @Test func convergenceStaleQueuedAndStaleRunningRunsAreFailedWithReasonAndEvidence() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    let queued = try fixture.createRun()
    let running = try fixture.startedRun(type: "inventory_sync")
    fixture.clock.advance(by: 1_200)
    let result = try fixture.reconciler().reconcile()
    #expect(result.candidates == 2)
    #expect(result.reconciled == 2)
    #expect(result.skipped == 0)
    let byRun = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.operationRunID, $0) })
    let queuedChange = try #require(byRun[queued.id])
    #expect(queuedChange.applied)
    #expect(queuedChange.reasonCode == .staleQueued)
    #expect(
      queuedChange.before == RunSnapshot(status: .queued, outcome: .pending, freshnessState: .likelyStale))
    #expect(
      queuedChange.after
        == RunSnapshot(status: .completed, outcome: .failed, freshnessState: .reconciledFailed))
    #expect(byRun[running.id]?.reasonCode == .staleRunning)
    #expect(byRun[running.id]?.evidence["reference_time"] == .timestamp(try #require(running.startedAt)))

    let storedQueued = try fixture.stored(queued)
    #expect(storedQueued.status == .completed)
    #expect(storedQueued.outcome == .failed)
    #expect(storedQueued.completedAt == fixture.clock.now())
    let reconciliation = try #require(storedQueued.reconciliation)
    #expect(reconciliation.reason == .staleQueued)
    #expect(reconciliation.source == "scheduled_reconciler")
    #expect(reconciliation.evidence == queuedChange.evidence)
    #expect(reconciliation.evidence["threshold_seconds"] == 900)
    #expect(reconciliation.evidence["execution_legitimacy"]?["legitimate"] == true)
    #expect(storedQueued.failures.first?.message == ReasonCatalog.describe(.staleQueued).explanation)
    #expect(
      storedQueued.freshness(policy: fixture.database.policy, now: fixture.clock.now()) == .reconciledFailed)
    #expect(try fixture.stored(running).reconciliation?.reason == .staleRunning)
  }

  @Test func freshRunsAndTerminalRunsAreUntouched() throws {
    let fixture = try TestFixture()
    let fresh = try fixture.createRun()
    let done = try fixture.startedRun()
    _ = try fixture.lifecycle.complete(runID: done.id, outcome: .succeeded, by: fixture.worker)
    fixture.clock.advance(by: 899)
    let before = try fixture.writeCounts()
    let result = try fixture.reconciler().reconcile()
    #expect(result == ReconcileResult())
    #expect(try fixture.stored(fresh).status == .queued)
    #expect(try fixture.stored(done).outcome == .succeeded)
    #expect(try fixture.stored(done).reconciliation == nil)
    #expect(try fixture.writeCounts() == before)
  }

  @Test func uncoveredTypesAndOptedOutTypesAreNeverTouched() throws {
    var policy = LifecyclePolicy.builtIn
    policy.types["backup_schedule_run"]?.scheduledReconciliation = false
    let fixture = try TestFixture(policy: policy)
    let uncovered = try fixture.startedRun(type: "report.export")
    let optedOut = try fixture.createRun(type: "backup_schedule_run")
    fixture.clock.advance(by: 30 * 86_400)
    let result = try fixture.reconciler().reconcile()
    #expect(result.candidates == 0)
    #expect(try fixture.stored(uncovered).status == .running)
    #expect(try fixture.stored(uncovered).freshness(policy: policy, now: fixture.clock.now()) == .unknown)
    #expect(try fixture.stored(optedOut).status == .queued)
    #expect(throws: StoreError.self) {
      try fixture.reconciler().reconcile(ReconcileOptions(types: ["backup_schedule_run"]))
    }
  }

  @Test func incidentRunLeftRunningIsFailedAfterThreshold() throws {
    // The incident this product started from: a worker reported progress, then died without completing.
    let fixture = try TestFixture()
    let run = try fixture.startedRun(type: "baseline_capture")
    for _ in 0..<3 {
      fixture.clock.advance(by: 600)
      _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 10], by: fixture.worker)
    }
    fixture.clock.advance(by: 4_500 - 1_800 - 1)
    #expect(try fixture.reconciler().reconcile().reconciled == 0)
    #expect(try fixture.stored(run).status == .running)
    fixture.clock.advance(by: 1)
    let result = try fixture.reconciler().reconcile()
    #expect(result.reconciled == 1)
    let healed = try fixture.stored(run)
    #expect(healed.status == .completed)
    #expect(healed.outcome == .failed)
    #expect(healed.reconciliation?.reason == .staleRunning)
    #expect(healed.summaryCounts == ["processed": 10])
    #expect(healed.reconciliation?.evidence["threshold_seconds"] == 4_500)
    #expect(healed.reconciliation?.evidence["terminal_truth_path"] == "direct_and_scheduled")
  }

  @Test func idempotentSecondPassChangesNothingAndAddsNoAuditOrNotification() throws {
    let fixture = try TestFixture()
    _ = try fixture.createRun()
    _ = try fixture.startedRun()
    fixture.clock.advance(by: 3_600)
    #expect(try fixture.reconciler().reconcile().reconciled == 2)
    let afterFirst = try fixture.writeCounts()
    #expect(afterFirst["notifications"] == 2)
    #expect(try fixture.auditCount(action: "run.reconciled") == 2)
    fixture.clock.advance(by: 3_600)
    let second = try fixture.reconciler(.cliReconciler).reconcile()
    #expect(second == ReconcileResult())
    #expect(try fixture.writeCounts() == afterFirst)
    #expect(try fixture.auditCount(action: "run.reconciled") == 2)
  }

  @Test func reconcileAllDrainsEveryStaleRunInBatchesUntilToldToStop() throws {
    let fixture = try TestFixture()
    for _ in 0..<7 { _ = try fixture.createRun() }
    fixture.clock.advance(by: 900)
    let fresh = try fixture.createRun()
    var asked = 0
    let stopped = try fixture.reconciler().reconcileAll(
      ReconcileOptions(limit: 3),
      shouldContinue: {
        asked += 1
        return false
      })
    #expect(asked == 1)
    #expect(stopped.reconciled == 3)
    let rest = try fixture.reconciler().reconcileAll(ReconcileOptions(limit: 3))
    #expect(rest.candidates == 4)
    #expect(rest.reconciled == 4)
    #expect(try fixture.stored(fresh).status == .queued)
    #expect(try fixture.auditCount(action: "run.reconciled") == 7)
  }
}
