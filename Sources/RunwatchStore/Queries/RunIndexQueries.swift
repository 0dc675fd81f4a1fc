import Foundation
import RunwatchCore
import StorageEngine

// Read-only lookups the Operations pages need beside `listRuns`: names for one page of rows (one query per
// kind, never one per row), the uncovered types that exist, and the "reconciled in the last 24 h" count.
extension RunwatchDatabase {
  /// Display names of the tenants `ids`, in one query. Unknown ids are simply absent.
  public func tenantNames(ids: some Collection<Int64>) throws -> [Int64: String] {
    try names(table: "tenants", ids: ids)
  }

  /// Display names of the users `ids`, in one query. Unknown ids are simply absent.
  public func userNames(ids: some Collection<Int64>) throws -> [Int64: String] {
    try names(table: "users", ids: ids)
  }

  /// `table` is one of two constants above, never user input; the ids are bound.
  private func names(table: StaticString, ids: some Collection<Int64>) throws -> [Int64: String] {
    let unique = Array(Set(ids)).sorted()
    guard !unique.isEmpty else { return [:] }
    let sql = "SELECT id, name FROM \(table) WHERE id IN (\(SQLCondition.parameterMarks(unique.count)))"
    return try pool.read { connection in
      var result: [Int64: String] = [:]
      for row in try connection.query(sql, unique) {
        if let id = row.int64("id") { result[id] = row.string("name") ?? "" }
      }
      return result
    }
  }

  /// Operation types present in `scope` that the policy does not cover, sorted, at most `limit`.
  ///
  /// Walks the distinct types of the workspace with one index seek per type (a loose index scan over
  /// `runs_by_workspace_type`, written as a recursive query so it is one statement: one round trip on
  /// PostgreSQL, where a statement per type cost more than the rest of the page) instead of reading every
  /// run. For a viewer limited to some tenants a type is kept only when one of its runs is visible, so the
  /// filter never names a type the viewer has no run of.
  public func uncoveredTypes(scope: RunScope, limit: Int = 50) throws -> [String] {
    let covered = Set(policy.types.keys)
    return try pool.read { connection in
      var found: [String] = []
      // Bounded twice: by the number of distinct types and by `limit` plus the covered types.
      let types = try connection.query(
        """
        WITH RECURSIVE distinct_types(type) AS (
          SELECT MIN(type) FROM operation_runs WHERE workspace_id = ?1
          UNION ALL
          SELECT (SELECT MIN(o.type) FROM operation_runs o WHERE o.workspace_id = ?1 AND o.type > d.type)
          FROM distinct_types d WHERE d.type IS NOT NULL
        )
        SELECT type FROM distinct_types WHERE type IS NOT NULL LIMIT ?2
        """, [scope.workspaceID, limit + covered.count + 1]
      ).compactMap { $0.string("type") }
      for type in types {
        // Uncovered types need only `operations.view`, so hidden types never apply to them.
        if covered.contains(type) { continue }
        if try Self.hasVisibleRun(ofType: type, scope: scope, in: connection) {
          found.append(type)
          if found.count == limit { break }
        }
      }
      return found
    }
  }

  /// Whether a run of `type` exists in `scope`: one seek per visible tenant (and one for workspace-level runs)
  /// on `runs_by_type_tenant`, never a walk through the type's runs.
  private static func hasVisibleRun(
    ofType type: String, scope: RunScope, in connection: any DatabaseConnection
  ) throws
    -> Bool
  {
    guard let tenantIDs = scope.tenantIDs else { return true }
    if !tenantIDs.isEmpty {
      let sql = """
        SELECT 1 FROM operation_runs \(connection.engineSQL.indexHint("runs_by_type_tenant"))
        WHERE type = ? AND tenant_id IN (\(SQLCondition.parameterMarks(tenantIDs.count))) LIMIT 1
        """
      if try connection.queryOne(sql, [type as any SQLBindable] + tenantIDs) != nil { return true }
    }
    guard scope.includesWorkspaceLevelRuns else { return false }
    return try connection.queryOne(
      """
      SELECT 1 FROM operation_runs \(connection.engineSQL.indexHint("runs_by_type_tenant"))
      WHERE type = ? AND tenant_id IS NULL AND workspace_id = ? LIMIT 1
      """, [type, scope.workspaceID]) != nil
  }

  /// Active runs in `scope` that are within their window (`fresh_active`) and past it (`likely_stale`) at
  /// `now`: the index's first two tiles, in one pass over the workspace's active runs.
  ///
  /// SQLite's `INDEXED BY` pins the covering partial index: with many stale runs the planner would otherwise pick the
  /// `stale_at` index and read every matching row from the table to check its workspace and tenant.
  public func activeCounts(scope: RunScope, now: Date) throws -> (freshActive: Int, likelyStale: Int) {
    var condition = SQLCondition()
    condition.add("status IN ('queued', 'running')")
    scope.apply(to: &condition)
    return try pool.read { connection in
      let sql = """
        SELECT COUNT(CASE WHEN stale_at > ? THEN 1 END) AS fresh, COUNT(CASE WHEN stale_at <= ? THEN 1 END) AS stale
        FROM operation_runs \(connection.engineSQL.indexHint("runs_active_covering")) \(condition.whereClause)
        """
      let row = try connection.queryOne(sql, [now, now] + condition.arguments)
      return (Int(row?.int64("fresh") ?? 0), Int(row?.int64("stale") ?? 0))
    }
  }

  /// Runs in `scope` completed as failed by reconciliation since the start of the hour 24 hours before `now`
  /// (the index's "reconciled in the last 24 h" tile), and that instant: the tile links to exactly these runs
  /// with `RunFilter.reconciledSince`. Read from the hourly rollups, so it costs the same whether a day held
  /// ten reconciliations or a hundred thousand.
  public func reconciledFailedLastDay(scope: RunScope, now: Date) throws -> (count: Int, since: Date) {
    let since = RunRollups.hourStart(containing: now.addingTimeInterval(-24 * 3600))
    var condition = SQLCondition()
    condition.add("workspace_id = ? AND hour >= ?", [scope.workspaceID, since])
    condition.add("outcome = 'failed' AND reason <> ''")
    scope.applyToRollups(&condition)
    let count = try pool.read { connection in
      try connection.scalar(
        "SELECT COALESCE(SUM(runs), 0) FROM run_rollups \(condition.whereClause)", condition.arguments) ?? 0
    }
    return (Int(count), since)
  }
}

extension RunScope {
  /// The scope's tenant and type limits on `run_rollups` (where workspace-level runs have tenant 0).
  func applyToRollups(_ condition: inout SQLCondition) {
    if let tenantIDs {
      var tenants = tenantIDs
      if includesWorkspaceLevelRuns { tenants.append(0) }
      condition.add(
        tenants.isEmpty ? "0" : "tenant_id IN (\(SQLCondition.parameterMarks(tenants.count)))", tenants)
    } else if !includesWorkspaceLevelRuns {
      condition.add("tenant_id <> 0")
    }
    if !hiddenTypes.isEmpty {
      condition.add("type NOT IN (\(SQLCondition.parameterMarks(hiddenTypes.count)))", hiddenTypes)
    }
  }
}
