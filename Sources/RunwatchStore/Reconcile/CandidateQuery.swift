import Foundation
import RunwatchCore
import SQLiteDB

/// Finds the runs one reconcile batch looks at, from two small partial indexes so the cost follows the number
/// of stale or out-of-sync runs, never the size of the table:
/// - active runs with a terminal linked record (`runs_linked_active`: active linked runs only), first, because
///   their record already knows the real outcome;
/// - active runs whose `stale_at` has passed (`runs_active_by_stale_at`: active runs only, in deadline order).
struct CandidateQuery {
  let options: ReconcileOptions
  let policy: LifecyclePolicy
  let limit: Int
  let now: Date

  /// Run ids to assess, at most `limit`, out-of-sync runs first, then stale runs oldest deadline first.
  func runIDs(in connection: Connection) throws -> [Int64] {
    let types = options.effectiveTypes(policy: policy)
    if types.isEmpty { return [] }
    let linked = try ids(linkedSQL(typeCount: types.count), linkedArguments(types), in: connection)
    var seen = Set(linked)
    var result = linked
    if result.count < limit {
      for id in try ids(staleSQL(typeCount: types.count), staleArguments(types), in: connection)
      where seen.insert(id).inserted {
        result.append(id)
        if result.count == limit { break }
      }
    }
    return result
  }

  private func ids(_ sql: String, _ arguments: [any SQLBindable], in connection: Connection) throws -> [Int64]
  {
    try connection.query(sql, arguments).compactMap { $0.int64("id") }
  }

  /// The stale-run query. `INDEXED BY` pins the partial index: the planner may otherwise pick a workspace index
  /// when filters are given and scan every run of that workspace.
  func staleSQL(typeCount: Int) -> String {
    """
    SELECT id FROM operation_runs INDEXED BY runs_active_by_stale_at
    WHERE status IN ('queued', 'running') AND stale_at <= ? AND \(filterSQL(typeCount: typeCount))
    ORDER BY stale_at, id LIMIT ?
    """
  }

  func staleArguments(_ types: [String]) -> [any SQLBindable] {
    [now] + filterArguments(types) + [limit]
  }

  /// The out-of-sync query: active linked runs whose record status is terminal.
  func linkedSQL(typeCount: Int) -> String {
    let statuses = SQLCondition.parameterMarks(LinkedRecordOutcome.terminalStatuses.count)
    return """
      SELECT id FROM operation_runs INDEXED BY runs_linked_active
      WHERE linked_record_kind IS NOT NULL AND status IN ('queued', 'running')
        AND lower(trim(linked_record_status)) IN (\(statuses)) AND \(filterSQL(typeCount: typeCount))
      ORDER BY id LIMIT ?
      """
  }

  func linkedArguments(_ types: [String]) -> [any SQLBindable] {
    LinkedRecordOutcome.terminalStatuses + filterArguments(types) + [limit]
  }

  private func filterSQL(typeCount: Int) -> String {
    var fragments = ["type IN (\(SQLCondition.parameterMarks(typeCount)))"]
    if !options.tenantIDs.isEmpty {
      fragments.append("tenant_id IN (\(SQLCondition.parameterMarks(options.tenantIDs.count)))")
    }
    if !options.workspaceIDs.isEmpty {
      fragments.append("workspace_id IN (\(SQLCondition.parameterMarks(options.workspaceIDs.count)))")
    }
    return fragments.joined(separator: " AND ")
  }

  private func filterArguments(_ types: [String]) -> [any SQLBindable] {
    types + options.tenantIDs + options.workspaceIDs
  }
}
