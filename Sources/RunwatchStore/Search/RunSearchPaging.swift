import Foundation
import RunwatchCore
import StorageEngine

extension RunwatchDatabase {
  /// Matches read from the search index at a time, newest first.
  static let searchWindow = 1_000
  /// Most windows one page reads before it stops and offers the next page from where it got to.
  static let searchWindowsPerPage = 20

  /// A keyset page of the runs matching `filter.words` (and the rest of `filter`, within `scope`), walked from
  /// the search index in windows of `searchWindow` matches, newest first: each window's runs are read by id
  /// with every other condition, until the page is full. A word found in 400,000 runs then costs a window or
  /// two, not a list of 400,000 ids; a page whose filters leave few of the matches stops after
  /// `searchWindowsPerPage` windows (read from the index in one query) and links onwards from the last run it
  /// looked at.
  func searchPage<Item>(
    scope: RunScope, filter: RunFilter, before: Int64?, after: Int64?, limit: Int, now: Date, columns: String,
    decode: (Row) throws -> Item, id: KeyPath<Item, Int64>, window size: Int = searchWindow,
    windows: Int = searchWindowsPerPage
  ) throws -> (items: [Item], older: Int64?, newer: Int64?) {
    let limit = max(1, min(limit, 500))
    let goingNewer = after != nil && before == nil
    var base = SQLCondition()
    scope.apply(to: &base)
    filter.apply(to: &base, now: now)
    return try pool.read { connection in
      let engine = connection.engineSQL
      let words = engine.searchQuery(filter.words)
      var bound: Int64? = goingNewer ? after : before
      var items: [Item] = []
      // At most two reads of the index per page: the first window, and when the page is not full yet, all the
      // other windows at once (a word prefix costs much the same for 1,000 matches as for 19,000).
      let size = max(1, size)
      let reach = size * max(1, windows)
      var fetched = 0
      var exhausted = false
      reading: while fetched < reach {
        let want = fetched == 0 ? size : reach - fetched
        let matches = try connection.query(
          engine.searchWindow(newer: goingNewer, bounded: bound != nil),
          [words] + (bound.map { [$0] } ?? []) + [want]
        ).compactMap { $0.int64(at: 0) }
        fetched += matches.count
        exhausted = matches.count < want
        var start = 0
        while start < matches.count {
          let window = Array(matches[start..<min(start + size, matches.count)])
          start += size
          var condition = base
          condition.add("id IN (\(SQLCondition.parameterMarks(window.count)))", window)
          items += try connection.query(
            """
            SELECT \(columns) FROM operation_runs \(condition.whereClause)
            ORDER BY id \(goingNewer ? "ASC" : "DESC") LIMIT ?
            """, condition.arguments + [limit + 1 - items.count]
          ).map(decode)
          bound = window[window.count - 1]
          if items.count > limit { break reading }
        }
        if exhausted { break }
      }
      // Onwards (in the walking direction): from the last run kept when the page is full, from the last
      // match looked at when the windows ran out first, nowhere when the index has no more.
      let full = items.count > limit
      if full { items.removeLast(items.count - limit) }
      let onwards = full ? items.last?[keyPath: id] : (exhausted ? nil : bound)
      // Back (where the page came from): the run next to the cursor it was opened with.
      let back =
        goingNewer
        ? (items.first?[keyPath: id] ?? after.map { $0 + 1 })
        : before.map { cursor in
          items.first?[keyPath: id] ?? cursor - 1
        }
      if goingNewer {
        items.reverse()
        return (items, back, onwards)
      }
      return (items, onwards, back)
    }
  }
}
