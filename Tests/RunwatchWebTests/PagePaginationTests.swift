import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Keyset pagination of `/operations`: 50 rows a page, stable while runs arrive, `after` goes back.
@Suite struct PagePaginationTests {
  /// 120 runs: pages of 50, 50 and 20.
  static func fixtureWithRuns() throws -> (PageFixture, [Int64]) {
    let fixture = try PageFixture()
    var ids: [Int64] = []
    for index in 0..<120 {
      ids.append(try fixture.run(index % 2 == 0 ? "policy.sync" : "inventory_sync").id)
    }
    return (fixture, ids.reversed())  // newest first
  }

  @Test func firstMiddleAndLastPages() throws {
    let (fixture, newestFirst) = try Self.fixtureWithRuns()
    let first = fixture.get("/operations")
    #expect(PageFixture.rowIDs(first) == Array(newestFirst[0..<50]))
    #expect(PageFixture.link(rel: "prev", in: first) == nil)
    let older = try #require(PageFixture.link(rel: "next", in: first))
    #expect(older == "/operations?page=2&before=\(newestFirst[49])")

    let middle = fixture.get(older)
    #expect(PageFixture.rowIDs(middle) == Array(newestFirst[50..<100]))
    #expect(PageFixture.link(rel: "prev", in: middle) == "/operations?page=1&after=\(newestFirst[50])")
    let last = fixture.get(try #require(PageFixture.link(rel: "next", in: middle)))
    #expect(PageFixture.rowIDs(last) == Array(newestFirst[100..<120]))
    #expect(PageFixture.link(rel: "next", in: last) == nil)

    // Going back with `after` returns exactly the page before.
    let back = fixture.get(try #require(PageFixture.link(rel: "prev", in: last)))
    #expect(PageFixture.rowIDs(back) == Array(newestFirst[50..<100]))
    let backAgain = fixture.get(try #require(PageFixture.link(rel: "prev", in: back)))
    #expect(PageFixture.rowIDs(backAgain) == Array(newestFirst[0..<50]))
    #expect(PageFixture.link(rel: "prev", in: backAgain) == nil)
  }

  @Test func aNewRunBetweenPagesDoesNotShiftTheNextPage() throws {
    let (fixture, newestFirst) = try Self.fixtureWithRuns()
    let older = try #require(PageFixture.link(rel: "next", in: fixture.get("/operations")))
    let arrived = try fixture.run("policy.sync")
    #expect(PageFixture.rowIDs(fixture.get(older)) == Array(newestFirst[50..<100]))
    // The new run is on the first page, and the second page now offers a way back to it.
    #expect(PageFixture.rowIDs(fixture.get("/operations")).first == arrived.id)
  }

  @Test func filtersAreKeptInPageLinks() throws {
    let (fixture, newestFirst) = try Self.fixtureWithRuns()
    let syncs = newestFirst.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)  // policy.sync ones
    let first = fixture.get("/operations?type=policy.sync")
    #expect(PageFixture.rowIDs(first) == Array(syncs[0..<50]))
    let older = try #require(PageFixture.link(rel: "next", in: first))
    #expect(older == "/operations?type=policy.sync&page=2&before=\(syncs[49])")
    let second = fixture.get(older)
    #expect(PageFixture.rowIDs(second) == Array(syncs[50..<60]))
    #expect(PageFixture.link(rel: "next", in: second) == nil)
  }

  @Test func aCursorPastTheEndIsAnEmptyPageNotAnError() throws {
    let (fixture, newestFirst) = try Self.fixtureWithRuns()
    let response = fixture.get("/operations?before=\(try #require(newestFirst.last))")
    #expect(response.status == .ok)
    #expect(PageFixture.rowIDs(response).isEmpty)
  }
}
