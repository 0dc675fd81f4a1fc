import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// MISSION.md quality bar "fast with a million runs": the reconciler's stale query and the active freshness
/// filters are answered by a SEARCH on an index, never a scan of `operation_runs` — checked with
/// `EXPLAIN QUERY PLAN` on a database whose statistics say most runs are terminal.
@Suite(.enabled(if: TestStorage.isSQLite, "SQLite's query plans (EXPLAIN QUERY PLAN)"))
struct QueryPlanTests {
  /// A fixture holding 3,000 runs (a few active, most completed) with `ANALYZE` statistics, so the planner
  /// decides with realistic numbers instead of defaults.
  static func analyzedFixture() throws -> TestFixture {
    let fixture = try TestFixture()
    let base = fixture.clock.now()
    try fixture.database.pool.writeTransaction { connection in
      for index in 0..<3_000 {
        let active = index % 100 == 0
        let createdAt = base.addingTimeInterval(Double(index))
        try connection.execute(
          """
          INSERT INTO operation_runs (workspace_id, tenant_id, type, status, outcome, created_at, stale_at,
            completed_at)
          VALUES (?, ?, 'policy.sync', ?, ?, ?, ?, ?)
          """,
          [
            fixture.workspace.id, fixture.tenant.id, active ? "running" : "completed",
            active ? "pending" : "succeeded", createdAt, active ? createdAt.addingTimeInterval(1_200) : nil,
            active ? nil : createdAt,
          ])
      }
      try connection.execute("ANALYZE")
    }
    return fixture
  }

  static func plan(_ sql: String, _ arguments: [any SQLBindable], in fixture: TestFixture) throws -> [String]
  {
    try fixture.database.pool.read { connection in
      try connection.query("EXPLAIN QUERY PLAN " + sql, arguments).compactMap { $0.string("detail") }
    }
  }

  @Test func theReconcilersStaleQuerySearchesTheActiveStaleIndex() throws {
    let fixture = try Self.analyzedFixture()
    let plan = try Self.plan(
      """
      SELECT id, type, status FROM operation_runs
      WHERE status IN ('queued', 'running') AND stale_at <= ? ORDER BY stale_at LIMIT ?
      """, [fixture.clock.now(), 100], in: fixture)
    #expect(plan == ["SEARCH operation_runs USING INDEX runs_active_by_stale_at (stale_at<?)"], "\(plan)")
  }

  @Test(arguments: [Freshness.likelyStale, .freshActive, .unknown])
  func activeFreshnessFiltersInAWorkspaceSearchAnIndex(freshness: Freshness) throws {
    let fixture = try Self.analyzedFixture()
    for tenants in [nil, [fixture.tenant.id]] as [[Int64]?] {
      var condition = SQLCondition()
      RunScope(workspaceID: fixture.workspace.id, tenantIDs: tenants).apply(to: &condition)
      RunFilter(freshness: freshness).apply(to: &condition, now: fixture.clock.now())
      // The same statement `listRuns` runs for the first page.
      let plan = try Self.plan(
        """
        SELECT \(OperationRun.selectColumns) FROM operation_runs \(condition.whereClause)
        ORDER BY id DESC LIMIT ?
        """, condition.arguments + [51], in: fixture)
      #expect(!plan.isEmpty)
      #expect(plan.allSatisfy { !$0.contains("SCAN operation_runs") }, "\(freshness): \(plan)")
      #expect(plan.contains { $0.hasPrefix("SEARCH operation_runs USING INDEX") }, "\(freshness): \(plan)")
    }
  }

  @Test(arguments: [RunStatus.queued, .running])
  func anActiveStatusWithATenantWalksTheActiveRunsIndex(status: RunStatus) throws {
    let fixture = try Self.analyzedFixture()
    let filter = RunFilter(status: status, tenantID: fixture.tenant.id)
    var condition = SQLCondition()
    RunScope(workspaceID: fixture.workspace.id, tenantIDs: nil).apply(to: &condition)
    filter.apply(to: &condition, now: fixture.clock.now())
    let plan = try Self.plan(
      """
      SELECT \(OperationRun.selectColumns) FROM operation_runs \(filter.indexHint(SQLiteSQL())) \(condition.whereClause)
      ORDER BY id DESC LIMIT ?
      """, condition.arguments + [51], in: fixture)
    #expect(plan.contains { $0.contains("USING INDEX runs_active_covering") }, "\(plan)")
  }

  /// Every combination of freshness and status, contradictory ones included, lists exactly the runs that
  /// match both: the index hint never makes SQLite refuse a query, and never changes an answer.
  @Test func everyFreshnessAndStatusCombinationListsExactlyItsRuns() throws {
    let fixture = try TestFixture()
    let queued = try fixture.createRun()
    let running = try fixture.createRun(tenant: fixture.otherTenant)
    _ = try fixture.lifecycle.start(runID: running.id, by: fixture.worker)
    let finished = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: finished.id, by: fixture.worker)
    _ = try fixture.lifecycle.complete(runID: finished.id, outcome: .succeeded, by: fixture.worker)
    let now = fixture.clock.now()
    let runs = [queued.id: RunStatus.queued, running.id: .running, finished.id: .completed]
    for freshness in [nil] + Freshness.allCases.map(Optional.some) {
      for status in [nil] + RunStatus.allCases.map(Optional.some) {
        let filter = RunFilter(freshness: freshness, status: status)
        let page = try fixture.database.listRuns(
          scope: RunScope(workspaceID: fixture.workspace.id, tenantIDs: nil), filter: filter, limit: 50,
          now: now)
        let stored = try runs.keys.map { try #require(try fixture.database.run(id: $0)) }
        let expected = stored.filter { run in
          (status == nil || run.status == status)
            && (freshness == nil || run.freshness(policy: fixture.database.policy, now: now) == freshness)
        }
        #expect(
          page.runs.map(\.id) == expected.map(\.id).sorted(by: >),
          "freshness \(String(describing: freshness)), status \(String(describing: status))")
      }
    }
  }
}
