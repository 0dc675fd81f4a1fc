import Foundation
import RunwatchCore
import SQLiteDB

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
    let sql = "SELECT id, name FROM \(table) WHERE id IN (\(SQLCondition.placeholders(unique.count)))"
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
  /// `runs_by_workspace_type`) instead of reading every run, then keeps a type only when a run of it is
  /// visible in `scope`, so the filter never names a type the viewer has no run of.
  public func uncoveredTypes(scope: RunScope, limit: Int = 50) throws -> [String] {
    let covered = Set(policy.types.keys)
    return try pool.read { connection in
      var found: [String] = []
      var last: String? = nil
      // Bounded twice: by the number of distinct types and by `limit` plus the covered types.
      for _ in 0..<(limit + covered.count + 1) {
        let next: String?
        if let last {
          next = try connection.queryOne(
            "SELECT MIN(type) AS type FROM operation_runs WHERE workspace_id = ? AND type > ?",
            [scope.workspaceID, last])?.string("type")
        } else {
          next = try connection.queryOne(
            "SELECT MIN(type) AS type FROM operation_runs WHERE workspace_id = ?", [scope.workspaceID])?
            .string("type")
        }
        guard let type = next else { break }
        last = type
        if covered.contains(type) { continue }
        var condition = SQLCondition()
        scope.apply(to: &condition)
        condition.add("type = ?", [type])
        if try connection.queryOne(
          "SELECT 1 FROM operation_runs \(condition.whereClause) LIMIT 1", condition.arguments) != nil
        {
          found.append(type)
          if found.count == limit { break }
        }
      }
      return found
    }
  }

  /// Runs in `scope` completed as failed by reconciliation at or after `since` (the index's "reconciled in
  /// the last 24 h" tile). Answered from the partial index on `reconciled_at`.
  public func countReconciledFailed(scope: RunScope, since: Date) throws -> Int {
    var condition = SQLCondition()
    condition.add("reconciliation_reason IS NOT NULL AND reconciled_at >= ?", [since])
    scope.apply(to: &condition)
    condition.add("outcome = 'failed'")
    return try pool.read { connection in
      Int(
        try connection.scalar(
          "SELECT COUNT(*) FROM operation_runs \(condition.whereClause)", condition.arguments) ?? 0)
    }
  }
}
