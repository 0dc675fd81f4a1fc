import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct IdentitySessionTests {
  func signIn(_ fixture: IdentityFixture, replacing previous: String? = nil) throws -> IssuedSession {
    let result = try fixture.identity.signIn(
      email: "Ana.Op@Example.com ", password: "correct horse", address: "10.0.0.1", replacing: previous)
    guard case .signedIn(_, let session) = result else {
      Issue.record("expected signedIn, got \(result)")
      throw CancellationError()
    }
    return session
  }

  @Test func signInIssuesAFreshIdEachTimeAndReplacesThePreviousOne() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.member("ana.op@example.com", role: .operator)
    let first = try signIn(fixture)
    #expect(first.session.userID == user.id)
    #expect(first.session.currentWorkspaceID == fixture.base.workspace.id)
    let second = try signIn(fixture, replacing: first.cookieValue)
    #expect(second.cookieValue != first.cookieValue)
    #expect(try fixture.identity.validateSession(first.cookieValue) == nil)
    #expect(try fixture.identity.validateSession(second.cookieValue)?.userID == user.id)
  }

  @Test func wrongPasswordAndUnknownAccountAreTheSameAnswer() throws {
    let fixture = try IdentityFixture()
    try fixture.member("ana.op@example.com", role: .operator)
    let wrong = try fixture.identity.signIn(email: "ana.op@example.com", password: "nope", address: "a")
    let unknown = try fixture.identity.signIn(email: "nobody@example.com", password: "nope", address: "b")
    #expect(wrong == .invalidCredentials)
    #expect(unknown == wrong)
  }

  @Test func sessionIdsAreStoredOnlyHashed() throws {
    let fixture = try IdentityFixture()
    try fixture.member("ana.op@example.com", role: .operator)
    let issued = try signIn(fixture)
    let hash = try SessionSecretsProbe.storedHash(issued.cookieValue)
    #expect(try fixture.isStored(hash))
    #expect(try !fixture.isStored(issued.cookieValue))
    #expect(try !fixture.isStored(issued.session.csrfToken))
    #expect(try !fixture.isStored("correct horse"))
  }

  @Test func idleSessionsExpire() throws {
    let fixture = try IdentityFixture(
      sessionSettings: SessionSettings(idleTimeout: 600, absoluteLifetime: 7200))
    try fixture.member("ana.op@example.com", role: .operator)
    let issued = try signIn(fixture)
    fixture.clock.advance(by: 599)
    #expect(try fixture.identity.touchSession(issued.cookieValue) != nil)
    fixture.clock.advance(by: 599)
    #expect(try fixture.identity.validateSession(issued.cookieValue) != nil, "touch pushed the idle expiry")
    fixture.clock.advance(by: 1)
    #expect(try fixture.identity.validateSession(issued.cookieValue) == nil)
    #expect(try fixture.identity.touchSession(issued.cookieValue) == nil)
  }

  @Test func busySessionsStillEndAtTheAbsoluteExpiry() throws {
    let fixture = try IdentityFixture(
      sessionSettings: SessionSettings(idleTimeout: 600, absoluteLifetime: 3600))
    try fixture.member("ana.op@example.com", role: .operator)
    let issued = try signIn(fixture)
    for _ in 0..<11 {
      fixture.clock.advance(by: 300)
      #expect(try fixture.identity.touchSession(issued.cookieValue) != nil)
    }
    #expect(
      try fixture.identity.validateSession(issued.cookieValue)?.idleExpiresAt
        == issued.session.absoluteExpiresAt)
    fixture.clock.advance(by: 300)
    #expect(try fixture.identity.touchSession(issued.cookieValue) == nil)
    #expect(try fixture.base.count("sessions") == 0, "an expired session found by touch is deleted")
  }

  @Test func destroyEndsTheSession() throws {
    let fixture = try IdentityFixture()
    try fixture.member("ana.op@example.com", role: .operator)
    let issued = try signIn(fixture)
    #expect(try fixture.identity.destroySession(issued.cookieValue))
    #expect(try fixture.identity.validateSession(issued.cookieValue) == nil)
    #expect(try !fixture.identity.destroySession(issued.cookieValue))
  }

  @Test func csrfTokenIsTiedToItsSession() throws {
    let fixture = try IdentityFixture()
    try fixture.member("ana.op@example.com", role: .operator)
    let first = try signIn(fixture)
    let second = try signIn(fixture)
    #expect(first.session.csrfToken != second.session.csrfToken)
    #expect(try fixture.identity.validateSession(first.cookieValue)?.csrfToken == first.session.csrfToken)
    #expect(SessionSecrets.isValidCSRFToken(first.session.csrfToken, forSessionID: first.cookieValue))
    #expect(!SessionSecrets.isValidCSRFToken(second.session.csrfToken, forSessionID: first.cookieValue))
    #expect(!SessionSecrets.isValidCSRFToken("", forSessionID: first.cookieValue))
  }

  @Test func junkCookiesAreNotSessions() throws {
    let fixture = try IdentityFixture()
    #expect(try fixture.identity.validateSession("") == nil)
    #expect(try fixture.identity.validateSession(String(repeating: "a", count: 43)) == nil)
    #expect(try fixture.identity.touchSession("'; DROP TABLE sessions; --") == nil)
  }

  @Test func workspaceSwitchRequiresMembership() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.member("ana.op@example.com", role: .operator)
    let issued = try signIn(fixture)
    #expect(
      try !fixture.identity.setCurrentWorkspace(fixture.otherWorkspace.id, forSession: issued.cookieValue))
    try fixture.database.grant(
      userID: user.id, workspaceID: fixture.otherWorkspace.id, role: .readonly, at: fixture.clock.now())
    #expect(
      try fixture.identity.setCurrentWorkspace(fixture.otherWorkspace.id, forSession: issued.cookieValue))
    #expect(
      try fixture.identity.validateSession(issued.cookieValue)?.currentWorkspaceID
        == fixture.otherWorkspace.id)
  }

  @Test func principalForSessionCarriesTheUsersAccess() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.member("ana.op@example.com", role: .operator, tenants: [fixture.base.tenant])
    let issued = try signIn(fixture)
    let resolved = try #require(try fixture.identity.principal(forSession: issued.cookieValue))
    #expect(resolved.principal.userID == user.id)
    #expect(
      resolved.principal.access(in: fixture.base.workspace.id)?.tenants == .only([fixture.base.tenant.id]))
    #expect(resolved.principal.access(in: fixture.otherWorkspace.id) == nil)
  }
}

/// Reaches the store's internal session hashing so the test can look for the stored form on disk.
enum SessionSecretsProbe {
  static func storedHash(_ cookieValue: String) throws -> String {
    try SessionSecrets.storedHash(of: cookieValue)
  }
}
