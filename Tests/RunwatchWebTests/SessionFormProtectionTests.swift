import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #5 CSRF: every state-changing page request needs the session's token and a same-origin source.
@Suite struct SessionFormProtectionTests {
  /// A signed-in owner of acme who is also a member of globex.
  static func signedIn() throws -> (AppFixture, Browser, String) {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    try fixture.member("ana@example.com", role: .readonly, workspace: fixture.globex)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    return (fixture, browser, try #require(browser.sessionCSRFToken()))
  }

  @Test func missingOrWrongTokenIsRefused() throws {
    let (fixture, browser, token) = try Self.signedIn()
    for fields in [
      [("workspace", "globex")],
      [("workspace", "globex"), ("csrf_token", (token.hasPrefix("x") ? "y" : "x") + token.dropFirst())],
    ] {
      let response = browser.post("/workspace", form: fields)
      #expect(response.status == .forbidden)
      #expect(response.bodyText.contains("data-status=\"403\""))
    }
    // Another session's token does not work either: tokens are tied to their session.
    let other = fixture.browser()
    other.signIn("ana@example.com")
    let foreign = try #require(other.sessionCSRFToken())
    #expect(
      browser.post("/workspace", form: [("workspace", "globex"), ("csrf_token", foreign)]).status
        == .forbidden)
    #expect(browser.get("/operations").bodyText.contains("workspace=acme"))
    // Logout without a token is refused too: the session survives.
    #expect(browser.post("/logout", form: []).status == .forbidden)
    #expect(browser.get("/operations").status == .ok)
  }

  @Test(arguments: [
    [("Origin", "https://evil.example")],
    [("Origin", "null")],
    [("Origin", "http://runwatch.test.evil.example")],
    [("Referer", "https://evil.example/form")],
    [("Sec-Fetch-Site", "cross-site")],
    [("Sec-Fetch-Site", "same-site")],
    [("Origin", "http://runwatch.test:8081")],
  ])
  func crossSitePostIsRefusedEvenWithTheToken(headers: [(String, String)]) throws {
    let (_, browser, token) = try Self.signedIn()
    let response = browser.post(
      "/workspace", form: [("workspace", "globex"), ("csrf_token", token)], headers: headers)
    #expect(response.status == .forbidden)
    #expect(browser.get("/operations").bodyText.contains("workspace=acme"))
  }

  @Test(arguments: [
    [("Origin", "http://runwatch.test")], [("Referer", "http://runwatch.test/operations?x=1")],
    [("Sec-Fetch-Site", "same-origin")], [],
  ])
  func sameOriginPostWithTokenIsAccepted(headers: [(String, String)]) throws {
    let (_, browser, token) = try Self.signedIn()
    let response = browser.post(
      "/workspace", form: [("workspace", "globex"), ("csrf_token", token)], headers: headers)
    #expect(response.status == .seeOther)
    #expect(browser.get("/operations").bodyText.contains("workspace=globex"))
  }

  @Test func loginPostWithoutValidTokenIs403WithAFreshForm() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    let fields = [("email", "ana@example.com"), ("password", AppFixture.password)]
    let missing = browser.post("/login", form: fields)
    #expect(missing.status == .forbidden)
    #expect(missing.bodyText.contains("This form expired"))
    #expect(missing.bodyText.contains("value=\"ana@example.com\""))
    #expect(browser.cookies["runwatch_session"] == nil)
    // A token from another browser's cookie does not match this browser's cookie.
    let other = fixture.browser()
    let otherToken = Browser.csrfToken(in: other.get("/login").bodyText) ?? ""
    #expect(browser.post("/login", form: fields + [("csrf_token", otherToken)]).status == .forbidden)
    // Cross-site login posts are refused even with a good token (login CSRF).
    let token = Browser.csrfToken(in: browser.get("/login").bodyText) ?? ""
    let crossSite = browser.post(
      "/login", form: fields + [("csrf_token", token)], headers: [("Origin", "https://evil.example")])
    #expect(crossSite.status == .forbidden)
    #expect(browser.post("/login", form: fields + [("csrf_token", token)]).status == .seeOther)
  }

  @Test func apiPathsAreNotSubjectToFormProtection() throws {
    let fixture = try AppFixture(addTestPage: false)
    var app = fixture.app
    app.addRoutes { router, _, _ in router.post("/api/v1/ping") { _ in .json("{}") } }
    let response = app.router.respond(
      to: HTTPRequest(
        method: .post, target: "/api/v1/ping",
        headers: ["Host": "runwatch.test", "Origin": "https://worker.example"]))
    #expect(response.status == .ok)
  }
}
