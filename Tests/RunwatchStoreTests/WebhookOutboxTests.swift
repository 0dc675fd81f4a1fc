import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// The outbox (#17): a terminal write queues one delivery per matching webhook of its workspace in its own
/// transaction; which webhooks match, and under which event name.
@Suite struct WebhookOutboxTests {
  struct InjectedCrash: Error {}

  func addWebhook(_ fixture: TestFixture, _ events: [WebhookEvent], workspaceID: Int64? = nil) throws -> Int64
  {
    try fixture.database.addWebhook(
      workspaceID: workspaceID ?? fixture.workspace.id, url: "https://hooks.example.com/\(events.count)",
      secret: nil, events: WebhookEvents(events), format: .runwatch, at: fixture.clock.now()
    ).webhook.id
  }

  /// (webhook id, event) of every delivery queued for `runID`.
  func deliveries(_ fixture: TestFixture, runID: Int64) throws -> [Int64: String] {
    let rows = try fixture.database.pool.read { connection in
      try connection.query("SELECT webhook_id, event FROM webhook_deliveries WHERE run_id = ?", [runID])
    }
    return Dictionary(
      uniqueKeysWithValues: rows.map { ($0.int64("webhook_id") ?? 0, $0.string("event") ?? "") })
  }

  @Test func aTerminalWriteWithoutWebhooksQueuesNothing() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .failed, by: fixture.worker)
    #expect(try fixture.count("webhook_deliveries") == 0)
  }

  @Test(arguments: [LifecycleStep.notificationRecorded, .webhooksQueued])
  func theDeliveryCommitsWithTheTerminalWriteOrNotAtAll(step: LifecycleStep) throws {
    let fixture = try TestFixture()
    _ = try addWebhook(fixture, [.terminal])
    let run = try fixture.createRun()
    let crashing = LifecycleService(
      database: fixture.database, clock: fixture.clock, faults: .fail(after: step, with: InjectedCrash()))
    #expect(throws: InjectedCrash.self) {
      try crashing.complete(runID: run.id, outcome: .failed, by: fixture.worker)
    }
    // Read back through a brand-new connection: only what was committed is visible.
    let reopened = try TestStorage.connect(fixture.location)
    #expect(try reopened.scalar("SELECT COUNT(*) FROM webhook_deliveries") == 0)
    #expect(
      try reopened.queryOne("SELECT status FROM operation_runs WHERE id = ?", [run.id])?.string("status")
        == "queued")

    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .failed, by: fixture.worker)
    #expect(try reopened.scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'") == 1)
    // A second terminal report is refused: terminal truth is immutable, and so is the outbox.
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    #expect(try fixture.count("webhook_deliveries") == 1)
  }

  @Test func aCrashInTheReconcilersWriteLeavesNoDelivery() throws {
    let fixture = try TestFixture()
    _ = try addWebhook(fixture, [.reconciled])
    let runs = try (0..<3).map { _ in try fixture.createRun() }
    fixture.clock.advance(by: 1_200)
    let crashing = Reconciler(
      lifecycle: LifecycleService(
        database: fixture.database, clock: fixture.clock,
        faults: .fail(after: .webhooksQueued, with: InjectedCrash())),
      actor: .scheduledReconciler)
    #expect(throws: InjectedCrash.self) { try crashing.reconcile() }
    #expect(try TestStorage.connect(fixture.location).scalar("SELECT COUNT(*) FROM webhook_deliveries") == 0)

    let healed = try Reconciler(lifecycle: fixture.lifecycle, actor: .scheduledReconciler).reconcile()
    #expect(healed.reconciled == runs.count)
    for run in runs { #expect(try deliveries(fixture, runID: run.id).values.sorted() == ["run.reconciled"]) }
  }

  @Test func eachWebhookGetsTheMostSpecificEventItAskedFor() throws {
    let fixture = try TestFixture()
    let failed = try addWebhook(fixture, [.failed])
    let reconciled = try addWebhook(fixture, [.reconciled])
    let resolved = try addWebhook(fixture, [.resolvedByOperator])
    let terminal = try addWebhook(fixture, [.terminal])
    let failedOrAny = try addWebhook(fixture, [.failed, .terminal])
    let everything = try addWebhook(fixture, WebhookEvent.allCases)
    let other = try fixture.database.addWorkspace(slug: "globex", name: "Globex", at: fixture.clock.now())
    let foreign = try addWebhook(fixture, WebhookEvent.allCases, workspaceID: other.id)
    let lifecycle = fixture.lifecycle

    let succeeded = try fixture.createRun()
    _ = try lifecycle.complete(runID: succeeded.id, outcome: .succeeded, by: fixture.worker)
    #expect(
      try deliveries(fixture, runID: succeeded.id)
        == [terminal: "run.terminal", failedOrAny: "run.terminal", everything: "run.terminal"])

    let workerFailed = try fixture.createRun()
    _ = try lifecycle.complete(runID: workerFailed.id, outcome: .failed, by: fixture.worker)
    #expect(
      try deliveries(fixture, runID: workerFailed.id)
        == [
          failed: "run.failed", terminal: "run.terminal", failedOrAny: "run.failed", everything: "run.failed",
        ])

    let stale = try fixture.createRun()
    fixture.clock.advance(by: 1_200)
    _ = try Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler).reconcile()
    #expect(
      try deliveries(fixture, runID: stale.id)
        == [
          failed: "run.failed", reconciled: "run.reconciled", terminal: "run.terminal",
          failedOrAny: "run.failed", everything: "run.reconciled",
        ])

    let stuck = try fixture.createRun()
    _ = try lifecycle.start(runID: stuck.id, by: fixture.worker)
    fixture.clock.advance(by: 1_300)
    let resolution = try lifecycle.resolve(
      runID: stuck.id, note: "its host is gone", operatorName: "Ana",
      by: Actor(kind: .user, label: "Ana", source: "web"))
    #expect(resolution.run?.reconciliation?.reason == .resolvedByOperator)
    #expect(
      try deliveries(fixture, runID: stuck.id)
        == [
          failed: "run.failed", resolved: "run.resolved_by_operator", terminal: "run.terminal",
          failedOrAny: "run.failed", everything: "run.resolved_by_operator",
        ])
    #expect(
      try fixture.database.pool.read {
        try $0.scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", [foreign])
      } == 0)
  }

  @Test func theRaisedEventsFollowTheRun() {
    var run = OperationRun(
      id: 1, workspaceID: 1, tenantID: nil, initiatorUserID: nil, type: "policy.sync", status: .running,
      outcome: .pending, createdAt: Date())
    #expect(WebhookEvents.raised(by: run).isEmpty)
    run.status = .completed
    run.outcome = .succeeded
    #expect(WebhookEvents.raised(by: run).events == [.terminal])
    run.outcome = .failed
    #expect(WebhookEvents.raised(by: run).events == [.failed, .terminal])
    run.reconciliation = Reconciliation(
      reason: .staleRunning, source: "test", evidence: [:], reconciledAt: Date())
    #expect(WebhookEvents.raised(by: run).events == [.reconciled, .failed, .terminal])
    run.reconciliation?.reason = .resolvedByOperator
    #expect(WebhookEvents.raised(by: run).events == [.resolvedByOperator, .failed, .terminal])
  }

  @Test func removingAWebhookDropsItsDeliveriesAndOnlyInItsWorkspace() throws {
    let fixture = try TestFixture()
    let id = try addWebhook(fixture, [.terminal])
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    let other = try fixture.database.addWorkspace(slug: "globex", name: "Globex", at: fixture.clock.now())
    #expect(try fixture.database.removeWebhook(id: id, workspaceID: other.id) == false)
    #expect(try fixture.database.webhookDeliveries(workspaceID: fixture.workspace.id).items.count == 1)
    #expect(try fixture.database.removeWebhook(id: id, workspaceID: fixture.workspace.id))
    #expect(try fixture.database.webhooks(workspaceID: fixture.workspace.id).isEmpty)
    #expect(try fixture.count("webhook_deliveries") == 0)
  }
}
