import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import RunwatchWeb
import Testing

/// The Operations index's creation-time and initiator filters, "jump to date", and where a page sits in the
/// list ("Runs 51–100, newest first").
@Suite struct PageOperationsTimeAndInitiatorTests {
  static func isoDay(_ date: Date) -> String { String(RFC3339.string(from: date).prefix(10)) }

  @Test func quickRangesDatesAndInstantsBoundTheCreationTime() throws {
    let fixture = try PageFixture()
    let old = try fixture.run()
    fixture.clock.advance(by: 3 * 86_400)
    let dayOld = try fixture.run()
    fixture.clock.advance(by: 20 * 3_600)
    let recent = try fixture.run()
    fixture.clock.advance(by: 1_800)

    #expect(PageFixture.rowIDs(fixture.get("/operations?created_after=1h")) == [recent.id])
    #expect(PageFixture.rowIDs(fixture.get("/operations?created_after=24h")) == [recent.id, dayOld.id])
    #expect(
      PageFixture.rowIDs(fixture.get("/operations?created_after=7d")) == [recent.id, dayOld.id, old.id])
    // A date as created_after starts at that day; as created_before it keeps that whole day.
    let oldDay = Self.isoDay(old.createdAt)
    #expect(PageFixture.rowIDs(fixture.get("/operations?created_before=\(oldDay)")) == [old.id])
    #expect(
      PageFixture.rowIDs(fixture.get("/operations?created_after=\(Self.isoDay(dayOld.createdAt))")).contains(
        dayOld.id))
    let instant = RFC3339.string(from: recent.createdAt)
    #expect(!PageFixture.rowIDs(fixture.get("/operations?created_before=\(instant)")).contains(recent.id))
    // The form keeps what was chosen, and the position line names the date jumped to.
    let page = fixture.get("/operations?created_after=24h&created_before=\(oldDay)").bodyText
    #expect(page.contains("<option value=\"24h\" selected>Last 24 hours</option>"))
    #expect(page.contains("name=\"created_before\" type=\"date\" value=\"\(oldDay)\""))
    let jumped = fixture.get("/operations?created_before=\(oldDay)").bodyText
    #expect(jumped.contains("<p class=\"list-position\">Runs 1–1 created before"))
    // Words people get wrong are refused, all of them named at once.
    let refused = fixture.get("/operations?created_after=yesterday&created_before=2026-13-01&page=0")
    #expect(refused.status == .badRequest)
    for name in ["created_after", "created_before", "page"] { #expect(refused.bodyText.contains(name)) }
  }

  @Test func theInitiatorFilterFindsOnePersonsRunsOrTheSystemsRuns() throws {
    let fixture = try PageFixture()
    let mine = try fixture.run(initiator: "owner")
    let theirs = try fixture.run(initiator: "operator")
    let system = try fixture.run(initiator: nil)
    let owner = fixture.user("owner").id
    #expect(PageFixture.rowIDs(fixture.get("/operations?initiator=\(owner)")) == [mine.id])
    #expect(
      PageFixture.rowIDs(fixture.get("/operations?initiator=\(fixture.user("operator").id)")) == [theirs.id])
    #expect(PageFixture.rowIDs(fixture.get("/operations?initiator=system")) == [system.id])
    let html = fixture.get("/operations?initiator=\(owner)").bodyText
    #expect(html.contains("<option value=\"\(owner)\" selected>Owner User</option>"))
    #expect(html.contains("<option value=\"system\">System (no person)</option>"))
    // Someone who is not a member (here: the other workspace's owner) is kept by id, not refused.
    let outsider = fixture.user("outsider").id
    #expect(fixture.get("/operations?initiator=\(outsider)").bodyText.contains("User #\(outsider)"))
    #expect(fixture.get("/operations?initiator=nobody").status == .badRequest)
  }

  @Test func eachPageSaysWhereItSits() throws {
    let fixture = try PageFixture()
    for _ in 0..<120 { try fixture.run() }
    let first = fixture.get("/operations")
    #expect(first.bodyText.contains("<p class=\"list-position\">Runs 1–50, newest first</p>"))
    let older = try #require(PageFixture.link(rel: "next", in: first))
    #expect(older.contains("page=2"))
    let second = fixture.get(older)
    #expect(second.bodyText.contains("Runs 51–100, newest first"))
    let third = fixture.get(try #require(PageFixture.link(rel: "next", in: second)))
    #expect(third.bodyText.contains("Runs 101–120, newest first"))
    let back = try #require(PageFixture.link(rel: "prev", in: third))
    #expect(fixture.get(back).bodyText.contains("Runs 51–100, newest first"))
    // An old link without a page number still works; it just cannot count.
    let cursorOnly = older.replacingOccurrences(of: "page=2&", with: "")
    #expect(fixture.get(cursorOnly).bodyText.contains("Older runs, newest first"))
  }
}
