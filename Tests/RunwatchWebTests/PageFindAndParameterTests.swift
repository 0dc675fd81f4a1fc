import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Finding a run by its number from the Operations index (`q=245`, `q=#245`, as the pages write ids), and
/// parameters the pages do not accept: one clear 400 naming every refused or unknown parameter at once, never
/// a silently ignored filter.
@Suite struct PageFindAndParameterTests {
  @Test func aRunNumberOpensItsPageAndAnythingElseIsA400() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    for query in ["\(run.id)", "%23\(run.id)", "%20%23\(run.id)%20"] {
      let found = fixture.get("/operations?q=\(query)")
      #expect(found.status == .seeOther, "\(query)")
      #expect(found.headers["Location"] == "/operations/\(run.id)", "\(query)")
    }
    // The run page then answers as for any link: another tenant's run is the same "not found" as none.
    let hidden = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    #expect(
      fixture.get("/operations?q=\(hidden.id)", as: "operator").headers["Location"]
        == "/operations/\(hidden.id)")
    let notVisible = fixture.get("/operations/\(hidden.id)", as: "operator")
    #expect(notVisible.status == .notFound)
    #expect(notVisible.body == fixture.get("/operations/987654", as: "operator").body)

    // Other text searches (PageSearchTests); text with no word of two letters or digits is refused.
    #expect(fixture.get("/operations?q=restore").status == .ok)
    let text = fixture.get("/operations?q=%21%21%20x")
    #expect(text.status == .badRequest)
    #expect(text.bodyText.contains("Parameter: <code>q</code>"))
    #expect(
      fixture.get("/operations").bodyText.contains(
        "<form class=\"find-run\" method=\"get\" action=\"/operations\" role=\"search\">"))
  }

  @Test func everyRefusedOrUnknownParameterIsNamedAtOnce() throws {
    let fixture = try PageFixture()
    try fixture.run("policy.sync")
    #expect(fixture.get("/operations").status == .ok)  // the microcache now holds the unfiltered page
    let unknown = fixture.get("/operations?since=yesterday&initiatr=ana")
    #expect(unknown.status == .badRequest, "an unknown parameter is not answered from the cache")
    #expect(unknown.bodyText.contains("Parameters: <code>since</code>, <code>initiatr</code>"))
    let mixed = fixture.get("/operations?freshness=bogus&status=nope&tenant=999&sort=asc")
    #expect(mixed.status == .badRequest)
    #expect(
      mixed.bodyText.contains(
        "Parameters: <code>freshness</code>, <code>status</code>, <code>tenant</code>, <code>sort</code>"))
    #expect(!mixed.bodyText.contains("bogus"), "values are never echoed")
    #expect(fixture.get("/operations?workspace=acme&freshness=").status == .ok, "known names, empty filter")

    #expect(
      fixture.get("/audit?run=nope&colour=red").bodyText.contains("<code>run</code>, <code>colour</code>"))
    #expect(fixture.get("/notifications?show=all&page=2").status == .badRequest)
  }

  @Test func theAuditRunFilterTakesRunNumbersAsThePagesWriteThem() throws {
    let fixture = try PageFixture()
    let first = try fixture.run("policy.sync")
    _ = try fixture.run("policy.sync")
    let byHash = fixture.get("/audit?run=%23\(first.id)")
    #expect(byHash.status == .ok)
    #expect(
      PageAuditTests.eventIDs(byHash)
        == (try fixture.database.auditEvents(runID: first.id)).map(\.id).reversed())
    #expect(byHash.bodyText.contains("value=\"\(first.id)\""))
  }
}
