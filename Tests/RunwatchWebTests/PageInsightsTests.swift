import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import Testing

/// `/insights`: per type, how runs finished in the period, within the viewer's scope, with every number
/// linking to exactly the runs it counts.
@Suite struct PageInsightsTests {
  /// Contoso: two syncs succeed, one fails; Fabrikam: one sync fails; one restore reconciled; one sync
  /// queued and left likely stale.
  static func world() throws -> (PageFixture, succeeded: [Int64], failed: [Int64], reconciled: Int64) {
    let fixture = try PageFixture()
    let worker = fixture.worker
    var succeeded: [Int64] = []
    var failed: [Int64] = []
    for (tenant, outcome) in [
      (fixture.contoso, RunOutcome.succeeded), (fixture.contoso, .succeeded), (fixture.contoso, .failed),
      (fixture.fabrikam, .failed),
    ] {
      let run = try fixture.run(tenant: tenant)
      _ = try fixture.lifecycle.start(runID: run.id, by: worker)
      fixture.clock.advance(by: 20)
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: outcome, by: worker)
      if outcome == .succeeded { succeeded.append(run.id) } else { failed.append(run.id) }
    }
    let restore = try fixture.run("restore.execute")
    try fixture.reconcile(restore)
    _ = try fixture.run()
    fixture.clock.advance(by: 3_600)
    return (fixture, succeeded, failed, restore.id)
  }

  static func section(_ response: HTTPResponse, type: String) -> String? {
    let body = response.bodyText
    guard let start = body.range(of: "data-type=\"\(type)\"") else { return nil }
    let rest = body[start.upperBound...]
    return String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)])
  }

  /// The link around the number of the figure labelled `label`.
  static func link(_ label: String, in section: String) -> String? {
    guard
      let figure = section.range(
        of: "<span class=\"insight__label\">\(label)</span><span class=\"insight__value\"><a href=\"")
    else { return nil }
    let rest = section[figure.upperBound...]
    return String(rest.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
  }

  static func number(_ label: String, in section: String) -> String? {
    guard
      let figure = section.range(
        of: "<span class=\"insight__label\">\(label)</span><span class=\"insight__value\"><a href=\"")
    else { return nil }
    let rest = section[figure.upperBound...]
    guard let open = rest.range(of: "\">") else { return nil }
    return String(rest[open.upperBound...].prefix { $0 != "<" })
  }

  @Test func eachNumberLinksToExactlyTheRunsItCounts() throws {
    let (fixture, succeeded, failed, reconciled) = try Self.world()
    let page = fixture.get("/insights")
    #expect(page.status == .ok)
    #expect(page.bodyText.contains("<a href=\"/insights\" aria-current=\"page\">Insights</a>"))
    let sync = try #require(Self.section(page, type: "policy.sync"))
    #expect(Self.number("Finished", in: sync) == "4")
    #expect(Self.number("Succeeded", in: sync) == "2")
    #expect(sync.contains("Succeeded</span>") && sync.contains("50 %"))
    #expect(Self.number("Failed", in: sync) == "2")
    #expect(Self.number("Likely stale now", in: sync) == "1")
    #expect(sync.contains("<svg class=\"chart\""))
    #expect(sync.contains("<caption>"), "the chart has a table equivalent")
    // Following each link lists the runs counted, no more.
    let succeededLink = try #require(Self.link("Succeeded", in: sync))
    #expect(Set(PageFixture.rowIDs(fixture.get(succeededLink))) == Set(succeeded))
    let failedLink = try #require(Self.link("Failed", in: sync))
    #expect(Set(PageFixture.rowIDs(fixture.get(failedLink))) == Set(failed))
    let finishedLink = try #require(Self.link("Finished", in: sync))
    #expect(Set(PageFixture.rowIDs(fixture.get(finishedLink))) == Set(succeeded + failed))
    let restore = try #require(Self.section(page, type: "restore.execute"))
    #expect(Self.number("Reconciled", in: restore) == "1")
    let reconciledLink = try #require(Self.link("Reconciled", in: restore))
    #expect(PageFixture.rowIDs(fixture.get(reconciledLink)) == [reconciled])
    #expect(restore.contains("run.stale_queued"), "reconciliations by reason")
    let reasonLink = try #require(
      restore.components(separatedBy: "<li><a href=\"").dropFirst().first.map {
        String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
      })
    #expect(reasonLink.contains("reason=run.stale_queued"))
    #expect(PageFixture.rowIDs(fixture.get(reasonLink)) == [reconciled])
    #expect(
      PageFixture.rowIDs(
        fixture.get(reasonLink.replacingOccurrences(of: "stale_queued", with: "stale_running"))
      ).isEmpty)
  }

  @Test func theViewersScopeAndTheTenantFilterApply() throws {
    let (fixture, _, _, _) = try Self.world()
    // The readonly viewer sees Contoso only, and no restores.
    let readonly = fixture.get("/insights", as: "readonly")
    #expect(readonly.status == .ok)
    #expect(Self.section(readonly, type: "restore.execute") == nil)
    let sync = try #require(Self.section(readonly, type: "policy.sync"))
    #expect(Self.number("Finished", in: sync) == "3")
    #expect(Self.number("Failed", in: sync) == "1")
    // The owner picks Fabrikam.
    let fabrikam = fixture.get("/insights?tenant=\(fixture.fabrikam.id)&range=7d")
    #expect(fabrikam.status == .ok)
    let fabrikamSync = try #require(Self.section(fabrikam, type: "policy.sync"))
    #expect(Self.number("Finished", in: fabrikamSync) == "1")
    #expect(fabrikamSync.components(separatedBy: "<th scope=\"row\">").count - 1 == 7, "a bar per day")
    #expect(fabrikam.bodyText.contains("<option value=\"7d\" selected>"))
    // A tenant outside the viewer's scope is refused like any bad value; unknown names are named too.
    let refused = fixture.get("/insights?tenant=\(fixture.fabrikam.id)&range=1y&since=2", as: "readonly")
    #expect(refused.status == .badRequest)
    for name in ["tenant", "range", "since"] { #expect(refused.bodyText.contains(name)) }
    #expect(fixture.get("/insights", as: "nobody").status == .found)
  }
}
