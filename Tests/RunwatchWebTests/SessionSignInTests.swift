import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #5 sign-in: credentials, cookie attributes, session fixation, open redirects, throttling, logout and
/// expiry, driven through the router in process.
@Suite struct SessionSignInTests {
  @Test func anonymousPageRedirectsToLoginWithNext() throws {
    let fixture = try AppFixture()
    let response = fixture.browser().get("/operations?status=running&tenant=3")
    #expect(response.status == .found)
    #expect(response.headers["Location"] == "/login?next=/operations%3Fstatus%3Drunning%26tenant%3D3")
  }

  @Test func loginFormCarriesTokenAndBindingCookie() throws {
    let fixture = try AppFixture()
    let browser = fixture.browser()
    let response = browser.get("/login?next=/operations/7")
    #expect(response.status == .ok)
    let cookie = try #require(response.headers.all("Set-Cookie").first { $0.hasPrefix("runwatch_csrf=") })
    #expect(
      cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/login"))
    #expect(Browser.csrfToken(in: response.bodyText)?.isEmpty == false)
    #expect(response.bodyText.contains("name=\"next\" value=\"/operations/7\""))
  }

  @Test func wrongPasswordThenRightSignsIn() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    let wrong = browser.signIn("ana@example.com", password: "nope")
    #expect(wrong.status == .unauthorized)
    #expect(wrong.bodyText.contains("value=\"ana@example.com\""))
    #expect(wrong.bodyText.contains("do not match an account"))
    #expect(browser.cookies["runwatch_session"] == nil)

    let right = browser.signIn("ana@example.com")
    #expect(right.status == .seeOther)
    #expect(right.headers["Location"] == "/operations")
    let page = browser.get("/operations")
    #expect(page.status == .ok)
    #expect(page.bodyText.hasPrefix("viewer=ana@example.com workspace=acme"))
  }

  @Test func sessionCookieAttributes() throws {
    for secure in [false, true] {
      let fixture = try AppFixture(options: SessionOptions(secureCookies: secure))
      try fixture.member("ana@example.com", role: .owner)
      let response = fixture.browser().signIn("ana@example.com")
      let cookie = try #require(
        response.headers.all("Set-Cookie").first { $0.hasPrefix("runwatch_session=") })
      let value = cookie.split(separator: ";")[0].dropFirst("runwatch_session=".count)
      #expect(value.count == 43)
      #expect(cookie.contains("; HttpOnly"))
      #expect(cookie.contains("; SameSite=Lax"))
      #expect(cookie.contains("; Path=/"))
      #expect(cookie.contains("; Secure") == secure)
    }
  }

  @Test func sessionFixationSignInIssuesAFreshIDAndKillsThePlantedOne() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    try fixture.member("eve@example.com", role: .owner)
    // The attacker signs in and plants their session id in the victim's browser.
    let attacker = fixture.browser()
    attacker.signIn("eve@example.com")
    let planted = try #require(attacker.cookies["runwatch_session"])
    let victim = fixture.browser()
    let form = victim.get("/login")
    victim.cookies["runwatch_session"] = planted
    victim.post(
      "/login",
      form: [
        ("csrf_token", Browser.csrfToken(in: form.bodyText) ?? ""), ("email", "ana@example.com"),
        ("password", AppFixture.password),
      ])
    let fresh = try #require(victim.cookies["runwatch_session"])
    #expect(fresh != planted)
    #expect(victim.get("/operations").bodyText.hasPrefix("viewer=ana@example.com"))
    // The planted id is dead: the attacker's browser is signed out.
    #expect(attacker.get("/operations").status == .found)
  }

  @Test(arguments: [
    "//evil.example", "https://evil.example", "/\\evil.example", "http:/evil.example", "/\t/evil.example",
    "evil.example", "",
  ])
  func openRedirectNextGoesToOperations(next: String) throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let response = fixture.browser().signIn("ana@example.com", next: next)
    #expect(response.status == .seeOther)
    #expect(response.headers["Location"] == "/operations")
  }

  @Test func localNextIsFollowed() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let response = fixture.browser().signIn("ana@example.com", next: "/operations/42?tab=evidence")
    #expect(response.headers["Location"] == "/operations/42?tab=evidence")
  }

  @Test func throttledSignInAnswers429WithRetryTime() throws {
    let fixture = try AppFixture(
      throttleSettings: LoginThrottleSettings(maxFailuresPerAccount: 3, lockout: 300))
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    for _ in 0..<2 { #expect(browser.signIn("ana@example.com", password: "bad").status == .unauthorized) }
    let third = browser.signIn("ana@example.com", password: "bad")
    #expect(third.status == .tooManyRequests)
    // Even the right password waits now, and the page says until when.
    let blocked = browser.signIn("ana@example.com")
    #expect(blocked.status == .tooManyRequests)
    #expect(blocked.headers["Retry-After"] == "300")
    #expect(blocked.bodyText.contains("try again at"))
    #expect(blocked.bodyText.contains("value=\"ana@example.com\""))
    fixture.clock.advance(by: 301)
    #expect(browser.signIn("ana@example.com").status == .seeOther)
  }

  @Test func logoutDestroysSessionAndClearsCookie() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    let old = try #require(browser.cookies["runwatch_session"])
    let token = try #require(browser.sessionCSRFToken())
    let response = browser.post("/logout", form: [("csrf_token", token)])
    #expect(response.status == .seeOther)
    #expect(response.headers["Location"] == "/login")
    let cleared = try #require(response.headers.all("Set-Cookie").first { $0.hasPrefix("runwatch_session=") })
    #expect(cleared.contains("Max-Age=0") && cleared.contains("HttpOnly"))
    // The old cookie, replayed, no longer works.
    let replay = fixture.browser()
    replay.cookies["runwatch_session"] = old
    #expect(replay.get("/operations").status == .found)
    #expect(try fixture.identity.validateSession(old) == nil)
  }

  @Test func idleAndAbsoluteExpiry() throws {
    let settings = SessionSettings(idleTimeout: 600, absoluteLifetime: 3600, touchInterval: 60)
    let fixture = try AppFixture(sessionSettings: settings)
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    // Activity every 9 minutes keeps it alive (the touch pushes idle expiry on)...
    for _ in 0..<5 {
      fixture.clock.advance(by: 540)
      #expect(browser.get("/operations").status == .ok)
    }
    // ...until the absolute lifetime ends it regardless; the stale cookie is cleared.
    fixture.clock.advance(by: 1000)
    let expired = browser.get("/operations")
    #expect(expired.status == .found)
    #expect(expired.headers.all("Set-Cookie").contains { $0.hasPrefix("runwatch_session=;") })

    browser.signIn("ana@example.com")
    fixture.clock.advance(by: 601)
    #expect(browser.get("/operations").status == .found)
  }

  @Test func signedInVisitorSkipsTheLoginForm() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com")
    let response = browser.get("/login?next=/audit")
    #expect(response.status == .found)
    #expect(response.headers["Location"] == "/audit")
  }

  @Test func passwordsAndSessionIDsNeverReachTheLog() throws {
    let fixture = try AppFixture()
    try fixture.member("ana@example.com", role: .owner)
    let browser = fixture.browser()
    browser.signIn("ana@example.com", password: "wrong-Pa55word!")
    browser.signIn("ana@example.com")
    let session = try #require(browser.cookies["runwatch_session"])
    browser.get("/operations")
    let log = fixture.logs.text
    #expect(log.contains("signed in"))
    #expect(!log.contains(AppFixture.password))
    #expect(!log.contains("wrong-Pa55word!"))
    #expect(!log.contains(session))
    #expect(!log.contains("ana@example.com"))
  }
}
