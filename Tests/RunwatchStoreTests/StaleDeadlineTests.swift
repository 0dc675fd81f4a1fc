import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// The stored `stale_at` agrees with the one freshness derivation, including for a running run whose
/// `started_at` is NULL (it ages from `created_at`, so a missing start time never hides a stuck run).
@Suite struct StaleDeadlineTests {
  @Test func runningRunWithNullStartedAtIsListedAsLikelyStaleFromCreatedAt() throws {
    let fixture = try TestFixture()
    let createdAt = fixture.clock.now()
    // A row written by an older worker that set `running` without a start time, and no stored deadline.
    let runID = try fixture.database.pool.writeTransaction { connection in
      try connection.insert(
        """
        INSERT INTO operation_runs (workspace_id, tenant_id, type, status, outcome, created_at)
        VALUES (?, ?, 'policy.sync', 'running', 'pending', ?)
        """, [fixture.workspace.id, fixture.tenant.id, createdAt])
    }
    // Opening with a changed policy recomputes deadlines for active runs.
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.runningStaleAfterSeconds = 1_500
    let reopened = try RunwatchDatabase(location: fixture.location, policy: policy)
    let run = try #require(try reopened.run(id: runID))
    #expect(run.startedAt == nil)
    #expect(run.staleDeadline(policy: policy) == createdAt.addingTimeInterval(1_500))

    let scope = RunScope(workspaceID: fixture.workspace.id)
    func listed(_ freshness: Freshness, at now: Date) throws -> [Int64] {
      try reopened.listRuns(scope: scope, filter: RunFilter(freshness: freshness), limit: 50, now: now).runs
        .map(
          \.id)
    }
    let justBefore = createdAt.addingTimeInterval(1_499)
    #expect(run.freshness(policy: policy, now: justBefore) == .freshActive)
    #expect(try listed(.freshActive, at: justBefore) == [runID])
    #expect(try listed(.likelyStale, at: justBefore).isEmpty)

    let deadline = createdAt.addingTimeInterval(1_500)
    #expect(run.freshness(policy: policy, now: deadline) == .likelyStale)
    #expect(try listed(.likelyStale, at: deadline) == [runID])
    #expect(try listed(.freshActive, at: deadline).isEmpty)
  }

  @Test func aTypeDroppedFromThePolicyBecomesUnknown() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun(type: "policy.sync")
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"] = nil
    let reopened = try RunwatchDatabase(location: fixture.location, policy: policy)
    let scope = RunScope(workspaceID: fixture.workspace.id)
    let unknown = try reopened.listRuns(
      scope: scope, filter: RunFilter(freshness: .unknown), limit: 50, now: fixture.clock.now())
    #expect(unknown.runs.map(\.id) == [run.id])
    #expect(try reopened.run(id: run.id)?.freshness(policy: policy, now: fixture.clock.now()) == .unknown)
  }
}

/// List pages read `RunSummary` (shown columns only); it must agree with the full run on everything shown.
@Suite struct RunSummaryTests {
  @Test func summariesAgreeWithFullRunsOnIdsFreshnessAndProgress() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    _ = try fixture.createRun()
    let running = try fixture.startedRun(type: "inventory_sync")
    _ = try fixture.lifecycle.heartbeat(
      runID: running.id, summaryCounts: ["processed": 4, "total": 9], by: fixture.worker)
    let done = try fixture.startedRun()
    _ = try fixture.lifecycle.complete(
      runID: done.id, outcome: .succeeded, summaryCounts: ["processed": 9, "total": 9], by: fixture.worker)
    let stale = try fixture.createRun(tenant: fixture.otherTenant)
    _ = try fixture.createRun(type: "legacy.export")
    fixture.clock.advance(by: 1_000)
    _ = try fixture.reconciler().reconcile(ReconcileOptions(tenantIDs: [fixture.otherTenant.id]))
    let scope = RunScope(workspaceID: fixture.workspace.id)
    let now = fixture.clock.now()
    let policy = fixture.database.policy
    for freshness in [nil] + Freshness.allCases.map(Optional.some) {
      let filter = RunFilter(freshness: freshness)
      let full = try fixture.database.listRuns(scope: scope, filter: filter, limit: 50, now: now)
      let summaries = try fixture.database.listRunSummaries(scope: scope, filter: filter, limit: 50, now: now)
      #expect(summaries.runs.map(\.id) == full.runs.map(\.id))
      #expect(summaries.olderCursor == full.olderCursor && summaries.newerCursor == full.newerCursor)
      #expect(
        summaries.runs.map { $0.freshness(now: now) }
          == full.runs.map { $0.freshness(policy: policy, now: now) })
      if let freshness { #expect(summaries.runs.allSatisfy { $0.freshness(now: now) == freshness }) }
    }
    let all = try fixture.database.listRunSummaries(scope: scope, filter: RunFilter(), limit: 50, now: now)
      .runs
    #expect(all.first { $0.id == running.id }?.progressCounts == ["processed": 4, "total": 9])
    #expect(all.first { $0.id == done.id }?.progressCounts == [:], "counts are read for running runs only")
    #expect(all.first { $0.id == stale.id }?.reconciliationReason == .staleQueued)
  }
}
