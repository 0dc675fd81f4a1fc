import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #5 workspace switch and trusted-header mode.
@Suite struct SessionWorkspaceAndTrustedHeaderTests {
  @Test func postedSwitchToANonMemberWorkspaceIs404() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    let token = try #require(browser.sessionCSRFToken())
    let response = browser.post("/workspace", form: [("workspace", "globex"), ("csrf_token", token)])
    #expect(response.status == .notFound)
    #expect(browser.get("/operations").bodyText.contains("workspace=acme"))
  }

  @Test func userWithoutAnyWorkspaceSeesNotFound() throws {
    let fixture = try AppFixture()
    _ = try fixture.identity.addUser(email: "lone@example.com", name: "Lone", password: AppFixture.password)
    let browser = fixture.browser()
    #expect(browser.signIn("lone@example.com").status == .seeOther)
    #expect(browser.get("/operations").status == .notFound)
  }

  static let trusted = SessionOptions(
    trustedHeader: TrustedHeader(headerName: "X-Forwarded-Email", proxies: ["127.0.0.1"]))

  @Test func trustedProxyHeaderSignsInTransparently() throws {
    let fixture = try AppFixture(options: Self.trusted)
    try fixture.member("ana@example.com", role: .owner)
    let proxy = fixture.browser(remoteAddress: "127.0.0.1")
    let first = proxy.get("/operations", headers: [("X-Forwarded-Email", "Ana@Example.com")])
    #expect(first.status == .ok)
    #expect(first.bodyText.hasPrefix("viewer=ana@example.com"))
    let cookie = try #require(first.headers.all("Set-Cookie").first { $0.hasPrefix("runwatch_session=") })
    #expect(cookie.contains("HttpOnly"))
    // The session is reused on the next request: no new cookie.
    let second = proxy.get("/operations", headers: [("X-Forwarded-Email", "ana@example.com")])
    #expect(second.status == .ok)
    #expect(!second.headers.contains("Set-Cookie"))
  }

  @Test func trustedHeaderFromAnyOtherAddressIsIgnored() throws {
    let fixture = try AppFixture(options: Self.trusted)
    try fixture.member("ana@example.com", role: .owner)
    let outsider = fixture.browser(remoteAddress: "203.0.113.9")
    let response = outsider.get("/operations", headers: [("X-Forwarded-Email", "ana@example.com")])
    #expect(response.status == .found)
    #expect(response.headers["Location"]?.hasPrefix("/login") == true)
    #expect(outsider.cookies["runwatch_session"] == nil)
  }

  @Test func trustedHeaderIsIgnoredWhenTheModeIsOff() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let proxy = fixture.browser(remoteAddress: "127.0.0.1")
    #expect(proxy.get("/operations", headers: [("X-Forwarded-Email", "ana@example.com")]).status == .found)
  }

  @Test func trustedHeaderForUnknownUserStaysAnonymous() throws {
    let fixture = try AppFixture(options: Self.trusted)
    let proxy = fixture.browser(remoteAddress: "127.0.0.1")
    #expect(proxy.get("/operations", headers: [("X-Forwarded-Email", "ghost@example.com")]).status == .found)
  }

  @Test func trustedHeaderNamingAnotherUserReplacesTheSession() throws {
    let fixture = try AppFixture(options: Self.trusted)
    try fixture.member("ana@example.com", role: .owner)
    try fixture.member("bob@example.com", role: .owner)
    let proxy = fixture.browser(remoteAddress: "127.0.0.1")
    proxy.get("/operations", headers: [("X-Forwarded-Email", "ana@example.com")])
    let anaSession = try #require(proxy.cookies["runwatch_session"])
    let switched = proxy.get("/operations", headers: [("X-Forwarded-Email", "bob@example.com")])
    #expect(switched.bodyText.hasPrefix("viewer=bob@example.com"))
    #expect(proxy.cookies["runwatch_session"] != anaSession)
    #expect(try fixture.identity.validateSession(anaSession) == nil)
  }
}
