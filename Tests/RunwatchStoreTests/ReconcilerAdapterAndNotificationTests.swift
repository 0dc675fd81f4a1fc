import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Adapter reconciliation, and MISSION.md guarantee 6 (notifications) for reconciled runs.
@Suite struct ReconcilerAdapterAndNotificationTests {
  func linkedRun(_ fixture: TestFixture, externalID: String, initiator: Bool = true) throws -> OperationRun {
    let run = try fixture.lifecycle.create(
      NewRun(
        workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id,
        initiatorUserID: initiator ? fixture.userID : nil, type: "restore.execute",
        linkedRecord: LinkedRecord(kind: "restore", externalID: externalID, status: "queued")),
      by: fixture.worker)
    return try #require(try fixture.lifecycle.start(runID: run.id, by: fixture.worker).run)
  }

  @Test func adapterReconciliationCompletesTheRunWithTheRecordsOutcome() throws {
    let fixture = try TestFixture()
    let failed = try linkedRun(fixture, externalID: "r-1")
    let cancelled = try linkedRun(fixture, externalID: "r-2")
    let succeeded = try linkedRun(fixture, externalID: "r-3")
    let stillRunning = try linkedRun(fixture, externalID: "r-4")
    #expect(
      try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-1", status: "failed") == 1)
    try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-2", status: "Cancelled")
    try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-3", status: "completed")
    try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-4", status: "running")
    fixture.clock.advance(by: 60)

    let result = try fixture.reconciler().reconcile()
    #expect(result.reconciled == 3)
    #expect(Set(result.changes.map(\.reasonCode)) == [.adapterOutOfSync])
    let expected: [(OperationRun, RunOutcome, String)] = [
      (failed, .failed, "failed"), (cancelled, .cancelled, "cancelled"), (succeeded, .succeeded, "completed"),
    ]
    for (run, outcome, recordStatus) in expected {
      let stored = try fixture.stored(run)
      #expect(stored.status == .completed)
      #expect(stored.outcome == outcome)
      let evidence = try #require(stored.reconciliation?.evidence)
      #expect(stored.reconciliation?.reason == .adapterOutOfSync)
      #expect(evidence["linked_record"]?["kind"] == "restore")
      #expect(
        evidence["linked_record"]?["external_id"] == .string(try #require(run.linkedRecord?.externalID)))
      #expect(evidence["linked_record"]?["status"] == .string(recordStatus))
      #expect(evidence["freshness_state"] == "fresh_active")
    }
    #expect(try fixture.stored(stillRunning).status == .running)
    // Completed runs keep the record status they finished with.
    #expect(
      try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-1", status: "succeeded") == 0)
    #expect(try fixture.reconciler().reconcile() == ReconcileResult())
  }

  @Test func updatingALinkedRecordNeedsKindIdAndStatus() throws {
    let fixture = try TestFixture()
    #expect(throws: StoreError.self) {
      try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-1", status: "  ")
    }
    #expect(
      try fixture.database.updateLinkedRecord(kind: "restore", externalID: "missing", status: "failed") == 0)
  }

  @Test func reconciledRunNotifiesItsInitiatorExactlyOnceWithTheCanonicalURL() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 1_200)
    #expect(try fixture.database.notifications(forUser: fixture.userID).isEmpty)
    _ = try fixture.reconciler().reconcile()
    let notifications = try fixture.database.notifications(forUser: fixture.userID)
    let notification = try #require(notifications.first)
    #expect(notifications.count == 1)
    #expect(notification.runID == run.id)
    #expect(notification.url == "/operations/\(run.id)")
    // policy.sync has no heartbeat window in the built-in policy: its maximum runtime is what passed.
    #expect(notification.title.contains("ran past its longest allowed time"))
    #expect(notification.message == ReasonCatalog.describe(.staleRunning, deadline: .maxRuntime).explanation)
    // Neither a second pass nor the dead worker's late completion adds another.
    _ = try fixture.reconciler(.cliReconciler).reconcile()
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    #expect(try fixture.count("notifications") == 1)
  }

  @Test func systemRunsAreReconciledWithoutNotifyingAnyone() throws {
    let fixture = try TestFixture()
    let systemRun = try fixture.startedRun(initiator: false)
    let adapterRun = try linkedRun(fixture, externalID: "r-9", initiator: false)
    try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-9", status: "failed")
    fixture.clock.advance(by: 1_200)
    #expect(try fixture.reconciler().reconcile().reconciled == 2)
    #expect(try fixture.stored(systemRun).status == .completed)
    #expect(try fixture.stored(adapterRun).status == .completed)
    #expect(try fixture.count("notifications") == 0)
  }
}
