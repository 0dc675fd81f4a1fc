import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// Issue #19 item 3 behind a reverse proxy: with `--trusted-proxy`, sign-in is throttled by the client address
/// the proxy forwarded (the rightmost `X-Forwarded-For` entry), and only on connections from that proxy.
@Suite struct SessionClientAddressTests {
  static let proxy = "127.0.0.1"
  static let options = SessionOptions(trustedProxies: [proxy])

  static func request(from peer: String, forwardedFor values: [String]) -> HTTPRequest {
    HTTPRequest(
      method: .post, target: "/login", headers: HTTPHeaders(values.map { ("X-Forwarded-For", $0) }),
      remoteAddress: peer)
  }

  @Test func theRightmostForwardedAddressIsTheClientOnlyFromATrustedProxy() {
    func address(_ peer: String, _ values: [String], options: SessionOptions = Self.options) -> String {
      options.clientAddress(of: Self.request(from: peer, forwardedFor: values))
    }
    #expect(address(Self.proxy, ["203.0.113.5"]) == "203.0.113.5")
    #expect(
      address(Self.proxy, ["10.9.9.9, 203.0.113.5"]) == "203.0.113.5",
      "entries left of the proxy's own came from the client and may be forged")
    #expect(address(Self.proxy, ["10.9.9.9", "203.0.113.5"]) == "203.0.113.5", "repeated headers")
    #expect(address(Self.proxy, ["2001:DB8::1"]) == "2001:db8::1")
    #expect(address(Self.proxy, []) == Self.proxy, "no header: the proxy itself")
    #expect(address(Self.proxy, ["203.0.113.5, unknown"]) == Self.proxy, "not an address: not believed")
    #expect(address(Self.proxy, ["203.0.113.5,"]) == Self.proxy)
    #expect(address("198.51.100.7", ["203.0.113.5"]) == "198.51.100.7", "not from the proxy: ignored")
    #expect(address(Self.proxy, ["203.0.113.5"], options: SessionOptions()) == Self.proxy, "no trusted proxy")
  }

  /// Everyone arrives from the proxy's address; clients are told apart by the forwarded one.
  static func fixture(options: SessionOptions) throws -> AppFixture {
    let fixture = try AppFixture(
      options: options,
      throttleSettings: LoginThrottleSettings(maxFailuresPerAccount: 5, maxUnknownAccountsPerAddress: 3))
    try fixture.member("ana@example.com", role: .owner)
    try fixture.member("bob@example.com", role: .owner)
    return fixture
  }

  static func signIn(
    _ browser: Browser, _ email: String, password: String = AppFixture.password, forwardedFor client: String
  ) -> HTTPResponse {
    let form = browser.get("/login")
    let fields = [
      ("csrf_token", Browser.csrfToken(in: form.bodyText) ?? ""), ("email", email), ("password", password),
    ]
    return browser.post(
      "/login", form: fields,
      headers: [
        ("Origin", "http://\(Browser.host)"), ("Sec-Fetch-Site", "same-origin"), ("X-Forwarded-For", client),
      ])
  }

  @Test func anAttackerBehindTheProxySlowsOnlyTheirOwnForwardedAddress() throws {
    let fixture = try Self.fixture(options: Self.options)
    let attacker = fixture.browser(remoteAddress: Self.proxy)
    for index in 0..<3 {
      _ = Self.signIn(attacker, "guess\(index)@example.com", password: "x", forwardedFor: "203.0.113.5")
    }
    #expect(
      Self.signIn(attacker, "guess9@example.com", password: "x", forwardedFor: "203.0.113.5").status
        == .tooManyRequests)
    let colleague = fixture.browser(remoteAddress: Self.proxy)
    #expect(
      Self.signIn(colleague, "bob@example.com", password: "typo", forwardedFor: "198.51.100.20").status
        == .unauthorized, "another client behind the same proxy is not slowed")
    #expect(Self.signIn(colleague, "ana@example.com", forwardedFor: "198.51.100.20").status == .seeOther)
  }

  @Test func withoutTrustingTheProxyItsClientsShareOneAddress() throws {
    let fixture = try Self.fixture(options: SessionOptions())
    let attacker = fixture.browser(remoteAddress: Self.proxy)
    for index in 0..<3 {
      _ = Self.signIn(attacker, "guess\(index)@example.com", password: "x", forwardedFor: "203.0.113.5")
    }
    let colleague = fixture.browser(remoteAddress: Self.proxy)
    #expect(
      Self.signIn(colleague, "bob@example.com", password: "typo", forwardedFor: "198.51.100.20").status
        == .tooManyRequests, "the header is not believed, so both count as the proxy")
    #expect(
      Self.signIn(colleague, "ana@example.com", forwardedFor: "198.51.100.20").status == .seeOther,
      "and still a right password for an account that has not failed gets in")
  }

  @Test func aForgedHeaderFromAnywhereElseChangesNothing() throws {
    let fixture = try Self.fixture(options: Self.options)
    let attacker = fixture.browser(remoteAddress: "203.0.113.5")
    for index in 0..<3 {
      _ = Self.signIn(attacker, "guess\(index)@example.com", password: "x", forwardedFor: "10.0.0.\(index)")
    }
    #expect(
      Self.signIn(attacker, "guess9@example.com", password: "x", forwardedFor: "10.0.0.99").status
        == .tooManyRequests, "all counted under the attacker's real address")
  }
}
