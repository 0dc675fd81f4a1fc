import Foundation
import RunwatchCore
import StorageEngine
import TestStorage
import Testing

@testable import RunwatchStore

/// Search pages are read from the index in windows: across windows, with filters that leave few matches, when
/// a page's windows run out before it is full, and going back.
@Suite struct RunSearchPagingTests {
  /// 30 runs whose context says "alpha"; every third is in the other tenant; 5 runs without the word.
  static func world() throws -> (TestFixture, alpha: [Int64]) {
    let fixture = try TestFixture()
    var alpha: [Int64] = []
    for index in 0..<35 {
      let word = index % 7 == 6 ? "beta" : "alpha"
      let run = try fixture.lifecycle.create(
        NewRun(
          workspaceID: fixture.workspace.id,
          tenantID: (index % 3 == 0 ? fixture.otherTenant : fixture.tenant).id,
          initiatorUserID: nil, type: "policy.sync", context: ["note": .string("\(word) \(index)")]),
        by: fixture.worker)
      if word == "alpha" { alpha.append(run.id) }
    }
    return (fixture, alpha.reversed())  // newest first
  }

  static func page(
    _ fixture: TestFixture, filter: RunFilter, before: Int64? = nil, after: Int64? = nil, limit: Int,
    window: Int, windows: Int
  ) throws -> (ids: [Int64], older: Int64?, newer: Int64?) {
    let page = try fixture.database.searchPage(
      scope: RunScope(workspaceID: fixture.workspace.id), filter: filter, before: before, after: after,
      limit: limit, now: fixture.clock.now(), columns: OperationRun.selectColumns,
      decode: OperationRun.init(row:),
      id: \.id, window: window, windows: windows)
    return (page.items.map(\.id), page.older, page.newer)
  }

  @Test func pagesWalkEveryMatchOnceAcrossWindowsAndBack() throws {
    let (fixture, alpha) = try Self.world()
    let filter = RunFilter(words: ["alpha"])
    var seen: [Int64] = []
    var cursor: Int64?
    var pages: [(ids: [Int64], older: Int64?, newer: Int64?)] = []
    repeat {
      let page = try Self.page(fixture, filter: filter, before: cursor, limit: 7, window: 4, windows: 10)
      pages.append(page)
      seen += page.ids
      cursor = page.older
    } while cursor != nil
    #expect(seen == alpha, "every match once, newest first")
    #expect(pages.first?.newer == nil)
    // Going back from the third page gives the second again.
    let back = try Self.page(fixture, filter: filter, after: pages[2].newer, limit: 7, window: 4, windows: 10)
    #expect(back.ids == pages[1].ids)
    #expect(back.older == pages[1].ids.last)
  }

  @Test func aPageWhoseWindowsRunOutLinksOnFromWhereItGot() throws {
    let (fixture, alpha) = try Self.world()
    // Only Fabrikam's alpha runs, two windows of 3 matches each per page: the page stops short and links on.
    let filter = RunFilter(tenantID: fixture.otherTenant.id, words: ["alpha"])
    let expected = try fixture.database.pool.read { connection in
      try connection.query(
        "SELECT id FROM operation_runs WHERE tenant_id = ? ORDER BY id DESC", [fixture.otherTenant.id]
      ).compactMap { $0.int64(at: 0) }
    }.filter(alpha.contains)
    var seen: [Int64] = []
    var cursor: Int64?
    var shortPages = 0
    repeat {
      let page = try Self.page(fixture, filter: filter, before: cursor, limit: 5, window: 3, windows: 2)
      if page.ids.count < 5 && page.older != nil { shortPages += 1 }
      #expect(
        page.older.map { older in page.ids.allSatisfy { $0 >= older } } ?? true, "the next page starts below")
      seen += page.ids
      cursor = page.older
    } while cursor != nil
    #expect(seen == expected)
    #expect(shortPages > 0, "some page ran out of windows before it was full")
    // Nothing matches: an empty page with nowhere to go.
    let none = try Self.page(fixture, filter: RunFilter(words: ["gamma"]), limit: 5, window: 3, windows: 2)
    #expect(none.ids.isEmpty && none.older == nil && none.newer == nil)
  }
}
