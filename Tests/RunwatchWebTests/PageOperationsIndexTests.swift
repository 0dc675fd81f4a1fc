import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import RunwatchWeb
import TestStorage
import Testing

/// `GET /operations`: scoping, every filter, aggregates, options, empty states and 400s.
@Suite struct PageOperationsIndexTests {
  @Test func listsRunsNewestFirstWithHooksAndNames() throws {
    let fixture = try PageFixture()
    let first = try fixture.run("policy.sync")
    let second = try fixture.run("inventory_sync", tenant: fixture.fabrikam, initiator: nil)
    let third = try fixture.run("baseline_capture", workspaceLevel: true)
    let response = fixture.get("/operations")
    #expect(response.status == .ok)
    #expect(PageFixture.rowIDs(response) == [third.id, second.id, first.id])
    let html = response.bodyText
    #expect(html.contains("data-run-id=\"\(first.id)\" data-freshness=\"fresh_active\""))
    #expect(
      html.contains("<td data-label=\"Tenant\">Contoso</td>")
        && html.contains("<td data-label=\"Tenant\">Fabrikam</td>"))
    #expect(html.contains("<td data-label=\"Tenant\">Workspace-level</td>"))
    #expect(
      html.contains("<td class=\"run-initiator\" data-label=\"Initiator\">Owner User</td>")
        && html.contains("<td class=\"run-initiator\" data-label=\"Initiator\">System</td>"))
  }

  @Test func listsOnlyRunsTheViewerCouldOpen() throws {
    let fixture = try PageFixture()
    let contosoRun = try fixture.run("policy.sync")
    let fabrikamRun = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    let restore = try fixture.run("restore.execute")
    let workspaceLevel = try fixture.run("inventory_sync", workspaceLevel: true)
    let foreign = try fixture.run("policy.sync", tenant: fixture.initech, workspace: fixture.globex)
    #expect(
      PageFixture.rowIDs(fixture.get("/operations"))
        == [workspaceLevel.id, restore.id, fabrikamRun.id, contosoRun.id])
    #expect(
      PageFixture.rowIDs(fixture.get("/operations", as: "operator")) == [
        workspaceLevel.id, restore.id, contosoRun.id,
      ])
    #expect(
      PageFixture.rowIDs(fixture.get("/operations", as: "readonly")) == [workspaceLevel.id, contosoRun.id])
    #expect(PageFixture.rowIDs(fixture.get("/operations", as: "outsider")) == [foreign.id])
    // The filter only offers what the viewer may see.
    let readonly = fixture.get("/operations", as: "readonly").bodyText
    #expect(!readonly.contains("value=\"restore.execute\""))
    #expect(!readonly.contains("Fabrikam"))
    #expect(readonly.contains("<option value=\"\(fixture.contoso.id)\">Contoso</option>"))
  }

  @Test func eachFilterNarrowsTheList() throws {
    let fixture = try PageFixture()
    let stale = try fixture.run("policy.sync")
    let reconciled = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    let uncovered = try fixture.run("legacy.export")
    fixture.clock.advance(by: 1_000)  // past policy.sync's 900 s queued window
    try fixture.reconcile(reconciled)
    let succeeded = try fixture.run("inventory_sync")
    _ = try fixture.lifecycle.start(runID: succeeded.id, by: fixture.worker)
    _ = try fixture.lifecycle.complete(runID: succeeded.id, outcome: .succeeded, by: fixture.worker)
    let fresh = try fixture.run("inventory_sync")
    _ = try fixture.lifecycle.start(runID: fresh.id, by: fixture.worker)

    let cases: [(String, [Int64])] = [
      ("freshness=fresh_active", [fresh.id]),
      ("freshness=likely_stale", [stale.id]),
      ("freshness=reconciled_failed", [reconciled.id]),
      ("freshness=terminal_normal", [succeeded.id]),
      ("freshness=unknown", [uncovered.id]),
      ("status=queued", [uncovered.id, stale.id]),
      ("status=running", [fresh.id]),
      ("status=completed", [succeeded.id, reconciled.id]),
      ("outcome=pending", [fresh.id, uncovered.id, stale.id]),
      ("outcome=failed", [reconciled.id]),
      ("outcome=succeeded", [succeeded.id]),
      ("outcome=cancelled", []),
      ("type=inventory_sync", [fresh.id, succeeded.id]),
      ("type=legacy.export", [uncovered.id]),
      ("tenant=\(fixture.fabrikam.id)", [reconciled.id]),
      ("status=queued&type=policy.sync", [stale.id]),
      ("status=completed&tenant=\(fixture.contoso.id)", [succeeded.id]),
      ("freshness=likely_stale&tenant=\(fixture.fabrikam.id)", []),
      (
        "freshness=&status=&outcome=&type=&tenant=",
        [fresh.id, succeeded.id, uncovered.id, reconciled.id, stale.id]
      ),
    ]
    for (query, expected) in cases {
      let response = fixture.get("/operations?\(query)")
      #expect(response.status == .ok, "\(query)")
      #expect(PageFixture.rowIDs(response) == expected, "\(query)")
    }
    // The form keeps its values.
    let kept = fixture.get("/operations?status=queued&type=policy.sync").bodyText
    #expect(kept.contains("<option value=\"queued\" selected>"))
    #expect(kept.contains("<option value=\"policy.sync\" selected>"))
    // Uncovered types that exist are offered next to the policy's.
    #expect(kept.contains("<option value=\"legacy.export\">"))
  }

  @Test func aggregateCountsComeFromTheViewersScope() throws {
    let fixture = try PageFixture()
    try fixture.run("policy.sync")
    try fixture.run("policy.sync", tenant: fixture.fabrikam)
    let old = try fixture.run("policy.sync")
    fixture.clock.advance(by: 1_000)
    try fixture.reconcile(old)
    try fixture.run("policy.sync")  // fresh
    func tile(_ freshness: String, _ html: String) -> String? {
      guard let range = html.range(of: "count-tile--\(freshness)\" href=\"/operations?freshness=\(freshness)")
      else { return nil }
      let rest = html[range.upperBound...].drop { $0 != ">" }.dropFirst().drop { $0 != ">" }.dropFirst()
      return String(rest.prefix { $0 != "<" })
    }
    let owner = fixture.get("/operations").bodyText
    #expect(tile("fresh_active", owner) == "1")
    #expect(tile("likely_stale", owner) == "2")
    #expect(tile("reconciled_failed", owner) == "1")
    let operatorView = fixture.get("/operations", as: "operator").bodyText
    #expect(tile("likely_stale", operatorView) == "1")
    fixture.clock.advance(by: 25 * 3600)
    #expect(tile("reconciled_failed", fixture.get("/operations").bodyText) == "0")
  }

  @Test func theReconciledTileLinksToExactlyTheRunsItCountedFromHourlyRollups() throws {
    let fixture = try PageFixture()
    // Reconciled 30 h ago (outside the day), then three within it (two of them of Fabrikam, one a restore).
    let older = try fixture.run("policy.sync")
    try fixture.reconcile(older)
    fixture.clock.advance(by: 6 * 3600)
    let counted = [
      try fixture.run("policy.sync"), try fixture.run("policy.sync", tenant: fixture.fabrikam),
      try fixture.run("restore.execute", tenant: fixture.fabrikam),
    ]
    for run in counted { try fixture.reconcile(run) }
    let done = try fixture.run("policy.sync")
    _ = try fixture.lifecycle.complete(runID: done.id, outcome: .failed, by: .cliReconciler)
    fixture.clock.advance(by: 24 * 3600)

    let html = fixture.get("/operations").bodyText
    let href = try #require(
      html.range(of: "count-tile--reconciled_failed\" href=\"").map { start in
        String(html[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
      })
    #expect(href.hasPrefix("/operations?freshness=reconciled_failed&reconciled_since="))
    #expect(html.contains("<span class=\"count-tile__number\">3</span>"))
    let listed = fixture.get(href)
    #expect(listed.status == .ok)
    #expect(Set(PageFixture.rowIDs(listed)) == Set(counted.map(\.id)), "the link lists what the tile counted")
    #expect(listed.bodyText.contains("Reconciled since <time"))
    #expect(listed.bodyText.contains("name=\"reconciled_since\""), "the form keeps the range")

    // An operator entitled to Contoso only counts and lists Contoso's run; a restore needs restore.view.
    let operatorView = fixture.get("/operations", as: "operator").bodyText
    #expect(operatorView.contains("count-tile--reconciled_failed"))
    let operatorHref = try #require(
      operatorView.range(of: "count-tile--reconciled_failed\" href=\"").map { start in
        String(operatorView[start.upperBound...].prefix { $0 != "\"" })
          .replacingOccurrences(of: "&amp;", with: "&")
      })
    let operatorRows = PageFixture.rowIDs(fixture.get(operatorHref, as: "operator"))
    #expect(operatorRows == [counted[0].id])
    #expect(
      operatorView.contains(
        "<span class=\"count-tile__number\">1</span> \(Badge.freshness(.reconciledFailed).rendered)"))
  }

  @Test(arguments: [
    "2026-12-01", "2026-12-01T07:00:00+01:00", "2026-12-01T07:00:00.5Z", "yesterday", "1969-12-31T23:00:00Z",
  ])
  func aMalformedReconciledSinceIsA400(_ value: String) throws {
    let fixture = try PageFixture()
    let response = fixture.get("/operations?reconciled_since=\(QueryString.percentEncode(value))")
    #expect(response.status == .badRequest)
    #expect(response.bodyText.contains("Parameter: <code>reconciled_since</code>"))
  }

  @Test func emptyStatesSayWhatMatchedNothing() throws {
    let fixture = try PageFixture()
    let none = fixture.get("/operations").bodyText
    #expect(none.contains("No runs yet in this workspace."))
    try fixture.run("policy.sync")
    let filtered = fixture.get("/operations?status=running&tenant=\(fixture.fabrikam.id)").bodyText
    #expect(filtered.contains("No runs match Status “Running” and Tenant “Fabrikam”."))
    #expect(filtered.contains("<a href=\"/operations\">Clear all filters</a>"))
  }

  @Test(arguments: [
    ("freshness=stale", "freshness"), ("status=failed", "status"), ("outcome=ok", "outcome"),
    ("type=no.such.type", "type"), ("tenant=abc", "tenant"), ("tenant=999", "tenant"),
    ("before=-1", "before"),
    ("after=0", "after"), ("before=123456789012345678901234567890", "before"), ("before=1&after=2", "after"),
    ("status=queued&status=running", "status"),
  ])
  func badParametersAnswer400NamingTheParameter(_ query: String, _ name: String) throws {
    let fixture = try PageFixture()
    try fixture.run("policy.sync")
    let response = fixture.get("/operations?\(query)")
    #expect(response.status == .badRequest)
    #expect(response.bodyText.contains("Parameter: <code>\(name)</code>"))
    #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
  }

  @Test func tenantsAndTypesOutsideTheScopeAreRefused() throws {
    let fixture = try PageFixture()
    try fixture.run("legacy.export", tenant: fixture.fabrikam)
    // Fabrikam exists but the operator is not entitled to it; Initech is another workspace's.
    #expect(fixture.get("/operations?tenant=\(fixture.fabrikam.id)", as: "operator").status == .badRequest)
    #expect(fixture.get("/operations?tenant=\(fixture.initech.id)").status == .badRequest)
    // An uncovered type the operator has no run of is not offered nor accepted; the owner sees it.
    #expect(fixture.get("/operations?type=legacy.export", as: "operator").status == .badRequest)
    #expect(fixture.get("/operations?type=legacy.export").status == .ok)
    // Policy types are always accepted, even with no run yet.
    #expect(fixture.get("/operations?type=restore.execute", as: "operator").status == .ok)
  }

  /// A misspelt or unknown filter is refused (400 naming it) rather than silently ignored, which would read as
  /// "these are the runs"; `workspace` (which reading a page ignores) is still accepted.
  @Test func unknownParametersAreRefusedAndWorkspaceIsTolerated() throws {
    let fixture = try PageFixture()
    let run = try fixture.run()
    #expect(PageFixture.rowIDs(fixture.get("/operations?workspace=acme")) == [run.id])
    let refused = fixture.get("/operations?workspace=acme&utm=x")
    #expect(refused.status == .badRequest)
    #expect(refused.bodyText.contains("Parameter: <code>utm</code>"))
  }
}
