import Foundation
import RunwatchCore
import StorageEngine

/// Where a tick's walk through the stale runs has got to: the last stale run handed out, in (workspace, id)
/// order. The next batch starts after it, so a tick reads every active run's index entry at most once.
struct StaleRunPosition: Equatable, Sendable {
  var workspaceID: Int64
  var runID: Int64
}

/// The runs one batch looks at, and where the walk through the stale runs stopped.
struct CandidateBatch {
  /// Out-of-sync runs first, then stale runs in (workspace, id) order.
  var runIDs: [Int64]
  /// The last stale run read (nil when none was read): the next batch continues after it.
  var position: StaleRunPosition?
  /// Whether the stale runs after `position` were read to the end (no more batches needed in this tick).
  var exhausted: Bool
}

/// Finds the runs one reconcile batch looks at, from small partial indexes so the cost follows the number of
/// active runs, never the size of the table:
/// - active runs with a terminal linked record (`runs_linked_active`: active linked runs only), first, because
///   their record already knows the real outcome;
/// - active runs whose `stale_at` has passed, in (workspace, id) order (`runs_active_covering`: active runs
///   only, and every column the filter tests, so the walk never touches the table).
///
/// Why id order and not deadline order: runs that are close in id sit in the same table and index pages, so a
/// write transaction that heals them in id order changes a few shared pages instead of one page per run and per
/// index. Healing 100,000 runs of a dead fleet in deadline order wrote 36 KB of WAL per run; in id order 9 KB.
/// A cheap probe on `runs_active_by_stale_at` first answers "is anything stale at all?", so an idle tick never
/// walks the active runs.
struct CandidateQuery {
  let options: ReconcileOptions
  let policy: LifecyclePolicy
  let limit: Int
  let now: Date

  /// Run ids to assess, at most `limit`: out-of-sync runs first, then stale runs after `position`. Runs in
  /// `excluded` (they failed lately) are read past but not handed out.
  func batch(
    after position: StaleRunPosition?, excluding excluded: Set<Int64> = [],
    in connection: any DatabaseConnection
  )
    throws -> CandidateBatch
  {
    let types = options.effectiveTypes(policy: policy)
    if types.isEmpty { return CandidateBatch(runIDs: [], position: position, exhausted: true) }
    let linked = try connection.query(
      linkedSQL(typeCount: types.count, engine: connection.engineSQL),
      linkedArguments(types, limit: limit + excluded.count)
    ).compactMap { $0.int64("id") }.filter { !excluded.contains($0) }.prefix(limit)
    var seen = Set(linked)
    // A batch full of out-of-sync runs says nothing about the stale ones: not exhausted.
    var result = CandidateBatch(runIDs: Array(linked), position: position, exhausted: linked.count < limit)
    guard linked.count < limit,
      try connection.queryOne(
        staleProbeSQL(typeCount: types.count, engine: connection.engineSQL), staleProbeArguments(types))
        != nil
    else { return result }
    // The rest of the current workspace, then the workspaces after it: two seeks, because SQLite uses only the
    // first column of a row-value comparison `(workspace_id, id) > (?, ?)` to position the index. Excluded runs
    // are read too (so the batch stays full) and dropped; the walk's position is the last run handed out.
    let wanted = limit - linked.count
    let reading = wanted + excluded.count
    var stale: [StaleRunPosition] = []
    if let position {
      stale = try positions(
        staleSQL(typeCount: types.count, continuing: true, engine: connection.engineSQL),
        [now] + filterArguments(types) + [position.workspaceID, position.runID, reading], in: connection)
    }
    if stale.count < reading {
      stale += try positions(
        staleSQL(typeCount: types.count, continuing: false, engine: connection.engineSQL),
        [now] + filterArguments(types) + [position?.workspaceID ?? 0, reading - stale.count],
        in: connection)
    }
    result.exhausted = stale.count < reading
    var handedOut = 0
    for run in stale where !excluded.contains(run.runID) {
      guard handedOut < wanted else {
        result.exhausted = false
        break
      }
      handedOut += 1
      result.position = run
      if seen.insert(run.runID).inserted { result.runIDs.append(run.runID) }
    }
    return result
  }

  private func positions(_ sql: String, _ arguments: [any SQLBindable], in connection: any DatabaseConnection)
    throws
    -> [StaleRunPosition]
  {
    try connection.query(sql, arguments).compactMap { row in
      guard let workspaceID = row.int64("workspace_id"), let runID = row.int64("id") else { return nil }
      return StaleRunPosition(workspaceID: workspaceID, runID: runID)
    }
  }

  /// "Is any run stale now?": one seek on the partial index of active runs by deadline.
  func staleProbeSQL(typeCount: Int, engine: any EngineSQL) -> String {
    """
    SELECT 1 FROM operation_runs \(engine.indexHint("runs_active_by_stale_at"))
    WHERE status IN ('queued', 'running') AND stale_at <= ? AND \(filterSQL(typeCount: typeCount))
    LIMIT 1
    """
  }

  func staleProbeArguments(_ types: [String]) -> [any SQLBindable] {
    [now] + filterArguments(types)
  }

  /// Stale runs in (workspace, id) order from the covering partial index of active runs: `continuing` reads
  /// the rest of one workspace after a run id, otherwise the workspaces after one workspace id. SQLite's
  /// `INDEXED BY` pins the index: with filters the planner may otherwise pick a workspace index over every run.
  func staleSQL(typeCount: Int, continuing: Bool, engine: any EngineSQL) -> String {
    """
    SELECT workspace_id, id FROM operation_runs \(engine.indexHint("runs_active_covering"))
    WHERE status IN ('queued', 'running') AND stale_at <= ? AND \(filterSQL(typeCount: typeCount))
      AND \(continuing ? "workspace_id = ? AND id > ?" : "workspace_id > ?")
    ORDER BY workspace_id, id LIMIT ?
    """
  }

  /// The out-of-sync query: active linked runs whose record status is terminal.
  func linkedSQL(typeCount: Int, engine: any EngineSQL) -> String {
    let statuses = SQLCondition.parameterMarks(LinkedRecordOutcome.terminalStatuses.count)
    return """
      SELECT id FROM operation_runs \(engine.indexHint("runs_linked_active"))
      WHERE linked_record_kind IS NOT NULL AND status IN ('queued', 'running')
        AND lower(trim(linked_record_status)) IN (\(statuses)) AND \(filterSQL(typeCount: typeCount))
      ORDER BY id LIMIT ?
      """
  }

  func linkedArguments(_ types: [String], limit: Int? = nil) -> [any SQLBindable] {
    LinkedRecordOutcome.terminalStatuses + filterArguments(types) + [limit ?? self.limit]
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

  func filterArguments(_ types: [String]) -> [any SQLBindable] {
    types + options.tenantIDs + options.workspaceIDs
  }
}
