import Foundation
import RunwatchCore
import StorageEngine

/// One keyset page of runs, newest first.
public struct RunPage: Sendable, Equatable {
  /// Runs on this page, newest first.
  public var runs: [OperationRun]
  /// Cursor for the next (older) page: pass as `before`. Nil on the last page.
  public var olderCursor: Int64?
  /// Cursor for the previous (newer) page: pass as `after`. Nil on the first page.
  public var newerCursor: Int64?
}

/// One keyset page of run summaries (what list pages show), newest first.
public struct RunSummaryPage: Sendable, Equatable {
  /// Runs on this page, newest first.
  public var runs: [RunSummary]
  /// Cursor for the next (older) page: pass as `before`. Nil on the last page.
  public var olderCursor: Int64?
  /// Cursor for the previous (newer) page: pass as `after`. Nil on the first page.
  public var newerCursor: Int64?
}

extension RunwatchDatabase {
  /// A keyset page of runs in `scope` matching `filter`, newest first. Pass `before` (an id) for older runs or
  /// `after` for newer runs; never OFFSET, so pages stay stable while new runs arrive.
  public func listRuns(
    scope: RunScope, filter: RunFilter, before: Int64? = nil, after: Int64? = nil, limit: Int, now: Date
  ) throws -> RunPage {
    let page = try keysetPage(
      scope: scope, filter: filter, before: before, after: after, limit: limit, now: now,
      columns: OperationRun.selectColumns, decode: OperationRun.init(row:), id: \.id)
    return RunPage(runs: page.items, olderCursor: page.older, newerCursor: page.newer)
  }

  /// The same page as `listRuns`, with only what a list shows of each run.
  public func listRunSummaries(
    scope: RunScope, filter: RunFilter, before: Int64? = nil, after: Int64? = nil, limit: Int, now: Date
  ) throws -> RunSummaryPage {
    let page = try keysetPage(
      scope: scope, filter: filter, before: before, after: after, limit: limit, now: now,
      columns: RunSummary.selectColumns, decode: RunSummary.init(row:), id: \.id)
    return RunSummaryPage(runs: page.items, olderCursor: page.older, newerCursor: page.newer)
  }

  private func keysetPage<Item>(
    scope: RunScope, filter: RunFilter, before: Int64?, after: Int64?, limit: Int, now: Date, columns: String,
    decode: (Row) throws -> Item, id: KeyPath<Item, Int64>
  ) throws -> (items: [Item], older: Int64?, newer: Int64?) {
    if !filter.words.isEmpty {
      return try searchPage(
        scope: scope, filter: filter, before: before, after: after, limit: limit, now: now, columns: columns,
        decode: decode, id: id)
    }
    let limit = max(1, min(limit, 500))
    var condition = SQLCondition()
    scope.apply(to: &condition)
    filter.apply(to: &condition, now: now)
    let goingNewer = after != nil && before == nil
    if let before { condition.add("id < ?", [before]) }
    if goingNewer, let after { condition.add("id > ?", [after]) }
    let order = goingNewer ? "ASC" : "DESC"
    return try pool.read { connection in
      let sql = """
        SELECT \(columns) FROM operation_runs \(filter.indexHint(connection.engineSQL)) \(condition.whereClause)
        ORDER BY id \(order) LIMIT ?
        """
      var items = try connection.query(sql, condition.arguments + [limit + 1]).map(decode)
      let hasMore = items.count > limit
      if hasMore { items.removeLast() }
      if goingNewer { items.reverse() }
      guard let newest = items.first?[keyPath: id], let oldest = items.last?[keyPath: id] else {
        return ([], nil, nil)
      }
      let olderExists = goingNewer ? true : hasMore
      let newerExists =
        goingNewer
        ? hasMore
        : try exists(
          newerThan: newest, filter: filter, condition: condition, in: connection, skipping: before)
      return (items, olderExists ? oldest : nil, newerExists ? newest : nil)
    }
  }

  private func exists(
    newerThan id: Int64, filter: RunFilter, condition: SQLCondition, in connection: any DatabaseConnection,
    skipping before: Int64?
  )
    throws -> Bool
  {
    guard before != nil else { return false }
    var newer = SQLCondition()
    // Rebuild without the `id < before` fragment, which is always the last one added for an older page.
    newer.fragments = Array(condition.fragments.dropLast())
    newer.arguments = Array(condition.arguments.dropLast())
    newer.add("id > ?", [id])
    let sql =
      "SELECT 1 FROM operation_runs \(filter.indexHint(connection.engineSQL)) \(newer.whereClause) LIMIT 1"
    return try connection.queryOne(sql, newer.arguments) != nil
  }

  /// Number of runs in `scope` matching `filter` (for aggregate counts on small, indexed sets).
  public func countRuns(scope: RunScope, filter: RunFilter, now: Date) throws -> Int {
    var condition = SQLCondition()
    scope.apply(to: &condition)
    filter.apply(to: &condition, now: now)
    return try pool.read { connection in
      Int(
        try connection.scalar(
          "SELECT COUNT(*) FROM operation_runs \(condition.whereClause)", condition.arguments) ?? 0)
    }
  }
}

extension RunFilter {
  /// The index a page of runs under this filter should walk. A filter that only active runs can match (an
  /// active freshness state, or status queued or running) walks the small covering partial index of active
  /// runs in id order; left to itself, a planner walks a whole tenant or workspace instead (about 100 ms at
  /// 1M runs for `status=queued&tenant=…`).
  ///
  /// A type's runs finished since an instant (the insights page's links) walk `runs_finished_by_type` from
  /// that instant: walking the type's runs newest first would read all of them when fewer than a page match.
  func indexHint(_ engine: any EngineSQL) -> String {
    if matchesOnlyActiveRuns { return engine.indexHint("runs_active_covering") }
    if type != nil && finishedSince != nil { return engine.indexHint("runs_finished_by_type") }
    return ""
  }
}
