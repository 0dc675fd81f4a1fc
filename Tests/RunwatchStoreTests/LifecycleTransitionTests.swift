import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct LifecycleTransitionTests {
  @Test func createQueuesARunWithAStaleDeadline() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    #expect(run.status == .queued)
    #expect(run.outcome == .pending)
    let stored = try #require(try fixture.database.run(id: run.id))
    #expect(stored == run)
    let staleAt = try fixture.database.pool.read {
      try $0.queryOne("SELECT stale_at FROM operation_runs WHERE id = ?", [run.id])?.date("stale_at")
    }
    #expect(staleAt == run.createdAt.addingTimeInterval(900))
  }

  @Test func createRefusesATenantOfAnotherWorkspace() throws {
    let fixture = try TestFixture()
    let other = try fixture.database.addWorkspace(slug: "other", name: "Other", at: fixture.clock.now())
    let foreign = try fixture.database.addTenant(
      workspaceID: other.id, name: "Foreign", at: fixture.clock.now())
    #expect(throws: StoreError.self) { try fixture.createRun(tenant: foreign) }
  }

  @Test func startMovesQueuedToRunning() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    fixture.clock.advance(by: 5)
    let result = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let started = try #require(result.run)
    #expect(result.isApplied)
    #expect(started.status == .running)
    #expect(started.startedAt == fixture.clock.now())
    #expect(try fixture.database.run(id: run.id) == started)
  }

  @Test func startTwiceIsRefusedAsAlreadyStarted() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let second = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    #expect(second.refusal?.reason == .alreadyStarted)
    #expect(try fixture.count("late_reports") == 0)
  }

  @Test func startOnArchivedTenantIsRefused() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    try fixture.database.archiveTenant(id: fixture.tenant.id, at: fixture.clock.now())
    let result = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    #expect(result.refusal?.reason == .tenantArchived)
    #expect(try fixture.database.run(id: run.id)?.status == .queued)
    #expect(try fixture.database.auditEvents(runID: run.id).map(\.action).contains("run.start_refused"))
  }

  @Test func unknownRunIsRefusedAsNotFound() throws {
    let fixture = try TestFixture()
    #expect(try fixture.lifecycle.start(runID: 999, by: fixture.worker).refusal?.reason == .notFound)
    #expect(
      try fixture.lifecycle.heartbeat(runID: 999, summaryCounts: [:], by: fixture.worker).refusal?.reason
        == .notFound)
    #expect(
      try fixture.lifecycle.complete(runID: 999, outcome: .succeeded, by: fixture.worker).refusal?.reason
        == .notFound)
  }

  @Test func heartbeatMergesCountsOnARunningRun() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    _ = try fixture.lifecycle.heartbeat(
      runID: run.id, summaryCounts: ["total": 50, "processed": 10], by: fixture.worker)
    fixture.clock.advance(by: 30)
    let result = try fixture.lifecycle.heartbeat(
      runID: run.id, summaryCounts: ["processed": 20], by: fixture.worker)
    #expect(result.run?.summaryCounts == ["total": 50, "processed": 20])
    #expect(result.run?.lastHeartbeatAt == fixture.clock.now())
    #expect(try fixture.database.run(id: run.id)?.summaryCounts == ["total": 50, "processed": 20])
  }

  @Test func heartbeatOnAQueuedRunIsRefused() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    let result = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["n": 1], by: fixture.worker)
    #expect(result.refusal?.reason == .notStarted)
  }

  @Test func completeRecordsOutcomeCountsFailuresAndNotifiesTheInitiator() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let failures = [RunFailure(code: "graph.throttled", message: "Throttled by Graph")]
    let result = try fixture.lifecycle.complete(
      runID: run.id, outcome: .partiallySucceeded, summaryCounts: ["processed": 9], failures: failures,
      by: fixture.worker)
    let done = try #require(result.run)
    #expect(done.status == .completed)
    #expect(done.outcome == .partiallySucceeded)
    #expect(done.failures == failures)
    #expect(done.completedAt == fixture.clock.now())
    #expect(done.reconciliation == nil)
    #expect(done.freshness(policy: .builtIn, now: fixture.clock.now()) == .terminalNormal)
    let notifications = try fixture.database.notifications(forUser: fixture.userID)
    #expect(notifications.count == 1)
    #expect(notifications.first?.url == "/operations/\(run.id)")
    #expect(
      try fixture.database.auditEvents(runID: run.id).map(\.action) == [
        "run.created", "run.started", "run.completed",
      ])
  }

  @Test func completeWithPendingOutcomeIsInvalid() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    #expect(throws: StoreError.self) {
      try fixture.lifecycle.complete(runID: run.id, outcome: .pending, by: fixture.worker)
    }
  }

  @Test func noNotificationWhileActiveOrForSystemRuns() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["n": 1], by: fixture.worker)
    #expect(try fixture.count("notifications") == 0)
    let system = try fixture.createRun(initiator: false)
    _ = try fixture.lifecycle.complete(runID: system.id, outcome: .succeeded, by: fixture.worker)
    #expect(try fixture.count("notifications") == 0)
  }

  @Test func queueFailureBridgeCompletesAsFailedWithDiagnosticsEvidence() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let report = QueueFailureReport(
      kind: .timeout, exceptionClass: "Illuminate\\Queue\\TimeoutExceededException", message: "Job timed out")
    let result = try fixture.lifecycle.bridgeQueueFailure(runID: run.id, report: report, by: fixture.worker)
    let done = try #require(result.run)
    #expect(done.outcome == .failed)
    #expect(done.reconciliation?.reason == .infrastructureTimeoutOrAbandonment)
    #expect(done.reconciliation?.source == "queue_failure_bridge")
    #expect(
      done.reconciliation?.evidence["queue_failure"]?["exception_class"]?.stringValue == report.exceptionClass
    )
    #expect(
      done.failures.allSatisfy { !$0.message.contains("Exception") }, "operator text must not name classes")
    #expect(done.freshness(policy: .builtIn, now: fixture.clock.now()) == .reconciledFailed)
    let maxAttempts = try fixture.createRun()
    let bridged = try fixture.lifecycle.bridgeQueueFailure(
      runID: maxAttempts.id,
      report: QueueFailureReport(kind: .maxAttempts, exceptionClass: nil, message: nil),
      by: fixture.worker)
    #expect(bridged.run?.reconciliation?.reason == .queueFailureBridge)
  }

  @Test func forceFailRequiresTheExpectedStatus() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let wrong = try fixture.lifecycle.forceFailNonTerminal(
      runID: run.id, expectedStatus: .queued, reason: .staleQueued, evidence: [:], by: .cliReconciler)
    #expect(wrong.refusal?.reason == .statusChanged)
    #expect(try fixture.database.run(id: run.id)?.status == .running)
    let right = try fixture.lifecycle.forceFailNonTerminal(
      runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: ["threshold_seconds": 1200],
      by: .scheduledReconciler)
    #expect(right.run?.reconciliation?.source == "scheduled_reconciler")
    #expect(try fixture.database.auditEvents(runID: run.id).last?.action == "run.reconciled")
  }
}
