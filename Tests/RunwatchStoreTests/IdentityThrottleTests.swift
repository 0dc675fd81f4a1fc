import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct IdentityThrottleTests {
  let settings = LoginThrottleSettings(
    maxFailuresPerAccount: 3, maxUnknownAccountsPerAddress: 5, window: 900, lockout: 300)

  @Test func accountSlowsDownAfterNFailuresAndSaysWhenToRetry() throws {
    let fixture = try IdentityFixture(throttleSettings: settings)
    try fixture.member("ana.op@example.com", role: .operator)
    func attempt(_ password: String, from address: String = "10.0.0.1") throws -> SignInResult {
      try fixture.identity.signIn(email: "ana.op@example.com", password: password, address: address)
    }
    #expect(try attempt("wrong") == .invalidCredentials)
    fixture.clock.advance(by: 10)
    #expect(try attempt("wrong") == .invalidCredentials)
    fixture.clock.advance(by: 10)
    let lockedAt = fixture.clock.now()
    #expect(try attempt("wrong") == .throttled(retryAt: lockedAt.addingTimeInterval(300)))
    fixture.clock.advance(by: 299)
    #expect(
      try attempt("correct horse", from: "10.9.9.9") == .throttled(retryAt: lockedAt.addingTimeInterval(300)),
      "the right password from another address is still refused while the account is throttled")
    fixture.clock.advance(by: 1)
    guard case .signedIn = try attempt("correct horse") else {
      Issue.record("sign-in should work again at the retry time")
      return
    }
    #expect(try fixture.identity.loginRetryTime(email: "ana.op@example.com", address: "10.0.0.1") == nil)
    #expect(try attempt("wrong") == .invalidCredentials, "success cleared the account's failures")
  }

  @Test func failuresOutsideTheWindowAreForgotten() throws {
    let fixture = try IdentityFixture(throttleSettings: settings)
    for _ in 0..<2 {
      _ = try fixture.identity.signIn(email: "ana.op@example.com", password: "x", address: "a")
    }
    fixture.clock.advance(by: 901)
    #expect(
      try fixture.identity.signIn(email: "ana.op@example.com", password: "x", address: "a")
        == .invalidCredentials)
    #expect(try fixture.base.count("login_attempts") == 1, "old attempts are pruned")
  }
}
