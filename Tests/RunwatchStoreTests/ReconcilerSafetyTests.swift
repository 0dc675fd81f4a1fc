import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// MISSION.md guarantees 2 and 4 under reconciliation: one terminal truth when a completion races the
/// reconciler, late reports as evidence, and no partial reconciliation when a write dies half-way.
@Suite struct ReconcilerSafetyTests {
  @Test func completionRacingReconcilerYieldsOneTruthWhenTheWorkerWins() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 1_200)
    let reconciler = fixture.reconciler()
    // The reconciler has chosen the run (a dry run reads exactly what a batch would)…
    #expect(
      try reconciler.reconcile(ReconcileOptions(dryRun: true)).changes.map(\.operationRunID) == [run.id])
    // …the worker's completion lands before the reconciler's write…
    #expect(try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker).isApplied)
    // …and the reconciler's second look inside its write transaction leaves the run alone.
    #expect(try reconciler.apply(runID: run.id) == nil)
    let stored = try fixture.stored(run)
    #expect(stored.outcome == .succeeded)
    #expect(stored.reconciliation == nil)
    #expect(try fixture.count("notifications") == 1)
    #expect(try fixture.auditCount(action: "run.reconciled") == 0)
    #expect(try reconciler.reconcile() == ReconcileResult())
  }

  @Test func completionRacingReconcilerYieldsOneTruthAndTheLateCompletionIsRecorded() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 1_200)
    #expect(try fixture.reconciler().reconcile().reconciled == 1)
    let late = try fixture.lifecycle.complete(
      runID: run.id, outcome: .succeeded, summaryCounts: ["processed": 3], by: fixture.worker)
    #expect(late.refusal?.reason == .alreadyTerminal)
    let stored = try fixture.stored(run)
    #expect(stored.outcome == .failed)
    #expect(stored.reconciliation?.reason == .staleRunning)
    let reports = try fixture.database.lateReports(runID: run.id)
    #expect(reports.map(\.kind) == ["complete"])
    #expect(reports.first?.payload["outcome"] == "succeeded")
    #expect(try fixture.auditCount(action: "run.late_report_refused") == 1)
    #expect(try fixture.count("notifications") == 1)
  }

  @Test func completionRacingReconcilerConcurrentlyYieldsExactlyOneTerminalTruth() async throws {
    for _ in 0..<20 {
      let fixture = try TestFixture()
      let run = try fixture.startedRun()
      fixture.clock.advance(by: 1_200)
      let reconciler = fixture.reconciler()
      let lifecycle = fixture.lifecycle
      let worker = fixture.worker
      async let completion = Task.detached {
        try lifecycle.complete(runID: run.id, outcome: .succeeded, by: worker)
      }.value
      async let reconciliation = Task.detached { try reconciler.reconcile() }.value
      let (completed, reconciled) = try await (completion, reconciliation)
      #expect(completed.isApplied != (reconciled.reconciled == 1))
      let stored = try fixture.stored(run)
      #expect(stored.status == .completed)
      #expect(try fixture.count("notifications") == 1)
      let lateReports = try fixture.database.lateReports(runID: run.id)
      if completed.isApplied {
        #expect(stored.outcome == .succeeded)
        #expect(lateReports.isEmpty)
      } else {
        #expect(stored.reconciliation?.reason == .staleRunning)
        #expect(lateReports.map(\.kind) == ["complete"])
      }
    }
  }

  @Test(arguments: LifecycleStep.allCases)
  func crashBetweenStepsLeavesNoPartialReconciliation(step: LifecycleStep) throws {
    let fixture = try TestFixture()
    let first = try fixture.startedRun()
    let second = try fixture.createRun()
    fixture.clock.advance(by: 1_200)
    let countsBefore = try fixture.writeCounts()
    let crashing = Reconciler(
      lifecycle: LifecycleService(
        database: fixture.database, clock: fixture.clock, faults: .fail(after: step, with: InjectedCrash())),
      actor: .scheduledReconciler)
    #expect(throws: InjectedCrash.self) { try crashing.reconcile() }

    // Read back through a brand-new connection: only what was committed is visible.
    let reopened = try TestStorage.connect(fixture.location)
    for run in [first, second] {
      let row = try #require(
        try reopened.queryOne(
          "SELECT status, reconciliation_reason, stale_at FROM operation_runs WHERE id = ?", [run.id]))
      #expect(row.string("status") == run.status.rawValue)
      #expect(row.string("reconciliation_reason") == nil)
      #expect(row.int64("stale_at") != nil)
    }
    #expect(try fixture.writeCounts() == countsBefore)

    let healed = try fixture.reconciler().reconcile()
    #expect(healed.reconciled == 2)
    #expect(try fixture.count("notifications") == 2)
    #expect(try fixture.auditCount(action: "run.reconciled") == 2)
  }

  @Test func auditEventNamesTheSystemActorItsSourceBeforeAfterAndReason() throws {
    let fixture = try TestFixture()
    let looped = try fixture.createRun()
    let manual = try fixture.createRun(tenant: fixture.otherTenant)
    fixture.clock.advance(by: 900)
    _ = try fixture.reconciler(.cliReconciler).reconcile(
      ReconcileOptions(tenantIDs: [fixture.otherTenant.id]))
    _ = try fixture.reconciler(.scheduledReconciler).reconcile()
    for (run, source) in [(looped, "scheduled_reconciler"), (manual, "cli")] {
      let events = try fixture.database.auditEvents(runID: run.id).filter { $0.action == "run.reconciled" }
      let event = try #require(events.first)
      #expect(events.count == 1)
      #expect(event.actorKind == "system")
      #expect(event.actorLabel == "system")
      #expect(event.source == source)
      #expect(event.metadata["reason_code"] == "run.stale_queued")
      #expect(event.metadata["before"]?["status"] == "queued")
      #expect(event.metadata["before"]?["freshness_state"] == "likely_stale")
      #expect(event.metadata["after"]?["status"] == "completed")
      #expect(event.metadata["after"]?["outcome"] == "failed")
      #expect(event.metadata["after"]?["freshness_state"] == "reconciled_failed")
      #expect(event.metadata["evidence"]?["status"] == "queued")
      #expect(try fixture.stored(run).reconciliation?.source == source)
    }
  }
}
