import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #19 item 5: only the CSRF-checked `POST /workspace` switches the current workspace; reading a page
/// with `?workspace=` (a link anyone could plant on another site) changes nothing.
@Suite struct SessionWorkspaceSwitchTests {
  /// Ana: owner of acme, operator in globex; "hidden" exists but she is no member of it.
  static func signedIn() throws -> (AppFixture, Browser) {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    try fixture.member("ana@example.com", role: .operator, workspace: fixture.globex)
    _ = try fixture.database.addWorkspace(slug: "hidden", name: "Hidden", at: fixture.clock.now())
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    return (fixture, browser)
  }

  /// The workspace the stored session points at (what later requests will show).
  static func storedWorkspaceID(_ fixture: AppFixture, _ browser: Browser) throws -> Int64? {
    let cookie = try #require(browser.cookies["runwatch_session"])
    return try fixture.identity.validateSession(cookie)?.currentWorkspaceID
  }

  @Test func getWithWorkspaceParameterLeavesTheSessionUnchanged() throws {
    let (fixture, browser) = try Self.signedIn()
    let before = try Self.storedWorkspaceID(fixture, browser)
    #expect(before == fixture.acme.id)
    for slug in ["globex", "hidden", "nope"] {
      let page = browser.get("/operations?workspace=\(slug)")
      #expect(page.status == .ok, "?workspace=\(slug) is ignored, not answered with an error")
      #expect(page.bodyText.contains("workspace=acme"), "the page is the current workspace's")
      #expect(!page.headers.all("Set-Cookie").contains { $0.hasPrefix("runwatch_session=") })
      #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.acme.id)
    }
    #expect(browser.get("/operations").bodyText.contains("workspace=acme"))
  }

  @Test func headWithWorkspaceParameterLeavesTheSessionUnchanged() throws {
    let (fixture, browser) = try Self.signedIn()
    _ = browser.send(.head, "/operations?workspace=globex")
    #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.acme.id)
  }

  @Test func postWithoutTheCSRFTokenIsRefusedAndSwitchesNothing() throws {
    let (fixture, browser) = try Self.signedIn()
    let response = browser.post("/workspace", form: [("workspace", "globex")])
    #expect(response.status == .forbidden)
    #expect(response.bodyText.contains("data-status=\"403\""))
    #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.acme.id)
  }

  @Test func postWithTheCSRFTokenSwitchesAndTheSessionRemembersIt() throws {
    let (fixture, browser) = try Self.signedIn()
    let token = try #require(browser.sessionCSRFToken())
    let response = browser.post("/workspace", form: [("workspace", "globex"), ("csrf_token", token)])
    #expect(response.status == .seeOther)
    #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.globex.id)
    #expect(browser.get("/operations").bodyText.contains("workspace=globex"))
    // And a later `?workspace=acme` link does not switch back.
    #expect(browser.get("/operations?workspace=acme").bodyText.contains("workspace=globex"))
    #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.globex.id)
  }

  @Test func postedSwitchToAWorkspaceOfNoMembershipLooksLikeAMissingOne() throws {
    let (fixture, browser) = try Self.signedIn()
    let token = try #require(browser.sessionCSRFToken())
    let notMember = browser.post("/workspace", form: [("workspace", "hidden"), ("csrf_token", token)])
    let missing = browser.post("/workspace", form: [("workspace", "nope"), ("csrf_token", token)])
    #expect(notMember.status == .notFound)
    #expect(notMember.body == missing.body)
    #expect(try Self.storedWorkspaceID(fixture, browser) == fixture.acme.id)
  }
}
