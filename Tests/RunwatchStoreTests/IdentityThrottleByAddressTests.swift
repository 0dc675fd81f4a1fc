import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Issue #19 item 3: one address (a reverse proxy everyone shares) failing a lot must not lock out accounts that
/// did not fail. Only many distinct *unknown* accounts slow an address down, and even then a right password for
/// an account that has not failed from there gets in.
@Suite struct IdentityThrottleByAddressTests {
  let settings = LoginThrottleSettings(
    maxFailuresPerAccount: 5, maxUnknownAccountsPerAddress: 20, window: 900, lockout: 300)
  static let shared = "10.0.0.1"
  static let password = "correct horse"

  func fixture() throws -> IdentityFixture {
    let fixture = try IdentityFixture(throttleSettings: settings)
    for email in ["mallory@example.com", "ana.op@example.com", "bob@example.com", "cy@example.com"] {
      try fixture.member(email, role: .operator)
    }
    return fixture
  }

  func signIn(_ fixture: IdentityFixture, _ email: String, _ password: String, from address: String = shared)
    throws -> SignInResult
  {
    try fixture.identity.signIn(email: email, password: password, address: address)
  }

  func isSignedIn(_ result: SignInResult) -> Bool {
    if case .signedIn = result { return true }
    return false
  }

  @Test func failuresForOneAccountDoNotLockOtherAccountsFromTheSameAddress() throws {
    let fixture = try fixture()
    for _ in 0..<25 { _ = try signIn(fixture, "mallory@example.com", "wrong") }
    let lockedUntil = fixture.clock.now().addingTimeInterval(300)
    #expect(try signIn(fixture, "mallory@example.com", Self.password) == .throttled(retryAt: lockedUntil))
    #expect(isSignedIn(try signIn(fixture, "ana.op@example.com", Self.password)))
    #expect(
      try signIn(fixture, "bob@example.com", "typo") == .invalidCredentials,
      "another account's typo is an ordinary failure, not a lockout")
  }

  @Test func accountLimitCountsEveryAddress() throws {
    let fixture = try fixture()
    for index in 0..<5 { _ = try signIn(fixture, "mallory@example.com", "wrong", from: "10.0.1.\(index)") }
    #expect(
      try signIn(fixture, "mallory@example.com", Self.password, from: "10.0.2.1")
        == .throttled(retryAt: fixture.clock.now().addingTimeInterval(300)))
  }

  @Test func manyDistinctUnknownAccountsSlowTheAddressButNotARightPassword() throws {
    let fixture = try fixture()
    for index in 0..<19 { _ = try signIn(fixture, "guess\(index)@example.com", "x") }
    #expect(
      try signIn(fixture, "guess19@example.com", "x")
        == .throttled(retryAt: fixture.clock.now().addingTimeInterval(300)), "the 20th unknown account")
    fixture.clock.advance(by: 10)
    // Each further unknown account pushes the end back, as any failure over a limit does.
    let slowedUntil = fixture.clock.now().addingTimeInterval(300)
    #expect(try signIn(fixture, "guess99@example.com", "x") == .throttled(retryAt: slowedUntil))
    // A known account that has not failed: its right password gets in…
    #expect(isSignedIn(try signIn(fixture, "ana.op@example.com", Self.password)))
    // …and a wrong one is answered exactly as an unknown account is, so the answer names no e-mail.
    #expect(try signIn(fixture, "bob@example.com", "wrong") == .throttled(retryAt: slowedUntil))
    // Having failed from the slowed address, bob is refused there even with the right password…
    #expect(try signIn(fixture, "bob@example.com", Self.password) == .throttled(retryAt: slowedUntil))
    // …but not from elsewhere (one failure is far below his own limit).
    #expect(isSignedIn(try signIn(fixture, "bob@example.com", Self.password, from: "192.0.2.50")))
    // Another address is not slowed at all.
    #expect(try signIn(fixture, "guess0@example.com", "x", from: "192.0.2.51") == .invalidCredentials)
    // After the lockout the address is open again, bob included.
    fixture.clock.advance(by: 300)
    #expect(isSignedIn(try signIn(fixture, "bob@example.com", Self.password)))
  }

  @Test func oneUnknownAccountTriedManyTimesIsNotManyAccounts() throws {
    let fixture = try fixture()
    for _ in 0..<25 { _ = try signIn(fixture, "ghost@example.com", "x") }
    #expect(try signIn(fixture, "bob@example.com", "typo") == .invalidCredentials)
    #expect(isSignedIn(try signIn(fixture, "ana.op@example.com", Self.password)))
  }
}
