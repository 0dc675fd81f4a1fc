import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// The list microcache and the viewer cache: fast for many viewers of one scope, never a leak between scopes,
/// never older than their TTL, and invalidated at once by what this server changes.
@Suite struct PageCachingTests {
  @Test func viewersWithDifferentScopesOrCapabilitiesNeverShareCachedRows() throws {
    let fixture = try PageFixture()
    let contoso = try fixture.run("policy.sync", tenant: fixture.contoso)
    let fabrikam = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    let restore = try fixture.run("restore.execute", tenant: fixture.contoso)
    let globex = try fixture.run("policy.sync", tenant: fixture.initech, workspace: fixture.globex)
    // The clock stands still: every request below is within one TTL, so whatever is cached is served.
    for _ in 0..<2 {
      #expect(Set(PageFixture.rowIDs(fixture.get("/operations"))) == [contoso.id, fabrikam.id, restore.id])
      #expect(
        Set(PageFixture.rowIDs(fixture.get("/operations", as: "operator"))) == [contoso.id, restore.id])
      #expect(Set(PageFixture.rowIDs(fixture.get("/operations", as: "readonly"))) == [contoso.id])
      #expect(Set(PageFixture.rowIDs(fixture.get("/operations", as: "outsider"))) == [globex.id])
      #expect(
        PageFixture.rowIDs(fixture.get("/operations?tenant=\(fixture.fabrikam.id)")) == [fabrikam.id])
    }
    // A refused filter is never cached as a page: the operator's attempt on Fabrikam stays a 400.
    #expect(fixture.get("/operations?tenant=\(fixture.fabrikam.id)", as: "operator").status == .badRequest)
    #expect(fixture.get("/operations?tenant=\(fixture.fabrikam.id)", as: "operator").status == .badRequest)
    // Each viewer's own name is spliced into a shared page.
    let owner = fixture.get("/operations").bodyText
    let other = fixture.get("/operations?freshness=").bodyText
    // (Both names are in the shared Requested-by filter; the chrome names only the viewer.)
    #expect(
      owner.contains("Signed in as <strong>Owner User</strong>")
        && !owner.contains("Signed in as <strong>Operator User</strong>"))
    #expect(other.contains("Signed in as <strong>Owner User</strong>"))
    let operatorPage = fixture.get("/operations", as: "operator").bodyText
    #expect(operatorPage.contains("Signed in as <strong>Operator User</strong>"))
  }

  @Test func fiftyViewersOfOneScopeShareOneRenderAndANewStateShowsWithinTheTTL() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    let cache = fixture.environment.pages
    let first = fixture.get("/operations").bodyText
    #expect(first.contains("data-run-id=\"\(run.id)\" data-freshness=\"fresh_active\""))
    for _ in 0..<50 { #expect(fixture.get("/operations").bodyText == first) }
    #expect(cache.count == 1)

    // The run is healed; within the TTL the page may still show it as it was, after it never does.
    fixture.clock.advance(by: 1_000)
    try fixture.reconcile(run)
    fixture.clock.advance(by: cache.ttl)
    let later = fixture.get("/operations").bodyText
    #expect(later.contains("data-run-id=\"\(run.id)\" data-freshness=\"reconciled_failed\""))
    #expect(cache.ttl <= 2)
  }

  @Test func signOutEndsACachedViewerAtOnceAndAnOutsideRevocationWithinTheTTL() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    #expect(browser.get("/operations").status == .ok)  // the viewer is now cached
    let cookie = try #require(browser.cookies["runwatch_session"])
    let token = try #require(browser.sessionCSRFToken())
    #expect(browser.post("/logout", form: [("csrf_token", token)]).status == .seeOther)
    let replay = fixture.browser()
    replay.cookies["runwatch_session"] = cookie
    #expect(replay.get("/operations").status == .found, "signed out: not served from the cache")

    // A session destroyed by another process (the CLI) is served for at most the viewer cache's TTL.
    let other = fixture.browser()
    other.signIn("ana@example.com")
    #expect(other.get("/operations").status == .ok)
    let otherCookie = try #require(other.cookies["runwatch_session"])
    #expect(try fixture.identity.destroySession(otherCookie))
    fixture.clock.advance(by: fixture.environment.viewers.ttl)
    #expect(other.get("/operations").status == .found)
  }

  @Test func markingANotificationReadUpdatesTheUnreadCountAtOnce() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    try fixture.reconcile(run)
    let before = fixture.get("/notifications").bodyText
    #expect(before.contains("Notifications <span class=\"count\">1<"), "one unread")
    let notification = try #require(
      try fixture.database.notifications(forUser: fixture.user("owner").id).first)
    #expect(fixture.post("/notifications/\(notification.id)/read").status == .seeOther)
    let after = fixture.get("/operations").bodyText
    #expect(
      !after.contains("Notifications <span class=\"count\">"),
      "the count went with the read, not after the TTL")
  }
}
