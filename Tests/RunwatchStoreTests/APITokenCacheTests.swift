import Foundation
import RunwatchCore
import SecretKit
import TestStorage
import Testing

@testable import RunwatchStore

/// The short in-memory token cache behind `IdentityService.principal(bearerToken:)`. A revocation written to
/// the database directly (as `runwatch token revoke` does from another process) shows whether a lookup read
/// the database: while the cache answers, the revoked token still works.
@Suite struct APITokenCacheTests {
  private func fixture(timeToLive: TimeInterval = 2, capacity: Int = 256) throws -> (
    IdentityFixture, IdentityService
  ) {
    let fixture = try IdentityFixture()
    let identity = IdentityService(
      database: fixture.database, clock: fixture.clock, hasher: PasswordHasher(cost: .minimum),
      tokenCache: APITokenCache(timeToLive: timeToLive, capacity: capacity))
    return (fixture, identity)
  }

  /// Revokes in the database only, behind the service's back, like another process would.
  private func revokeElsewhere(_ token: APIToken, _ fixture: IdentityFixture) throws {
    try fixture.database.revokeAPIToken(id: token.id, at: fixture.clock.now())
  }

  @Test func aCacheHitDoesNotReadTheDatabase() throws {
    let (fixture, identity) = try fixture()
    let issued = try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    let first = try #require(try identity.principal(bearerToken: issued.secret))
    try revokeElsewhere(issued.token, fixture)
    fixture.clock.advance(by: 1.9)
    #expect(try identity.principal(bearerToken: issued.secret) == first, "answered from memory")
    #expect(try fixture.database.authenticateAPIToken(secret: issued.secret, at: fixture.clock.now()) == nil)
  }

  @Test func aRevocationElsewhereTakesEffectOnceTheEntryExpires() throws {
    let (fixture, identity) = try fixture()
    let issued = try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    #expect(try identity.principal(bearerToken: issued.secret) != nil)
    try revokeElsewhere(issued.token, fixture)
    fixture.clock.advance(by: 2)
    #expect(try identity.principal(bearerToken: issued.secret) == nil)
    fixture.clock.advance(by: 0.5)
    #expect(try identity.principal(bearerToken: issued.secret) == nil, "a refused token is never cached")
  }

  @Test func aRevocationThroughTheServiceTakesEffectAtOnce() throws {
    let (fixture, identity) = try fixture()
    let issued = try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    let other = try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "other")
    #expect(try identity.principal(bearerToken: issued.secret) != nil)
    #expect(try identity.principal(bearerToken: other.secret) != nil)
    try identity.revokeAPIToken(id: issued.token.id)
    #expect(try identity.principal(bearerToken: issued.secret) == nil)
    #expect(identity.tokenCache.count == 1, "only the revoked token is forgotten")
  }

  @Test func entriesExpireAndAClockThatGoesBackDoesNotExtendThem() throws {
    let (fixture, identity) = try fixture(timeToLive: 1)
    let issued = try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    let hash = try #require(try RunwatchDatabase.apiTokenHash(secret: issued.secret))
    #expect(try identity.principal(bearerToken: issued.secret) != nil)
    let storedAt = fixture.clock.now()
    #expect(identity.tokenCache.lookUp(hash: hash, at: storedAt.addingTimeInterval(0.99)) != nil)
    #expect(identity.tokenCache.lookUp(hash: hash, at: storedAt.addingTimeInterval(1)) == nil)
    #expect(identity.tokenCache.count == 0, "an expired entry is dropped when met")

    #expect(try identity.principal(bearerToken: issued.secret) != nil)
    #expect(identity.tokenCache.lookUp(hash: hash, at: storedAt.addingTimeInterval(-1)) == nil)
    #expect(APITokenCache(timeToLive: 60).timeToLive == 2, "never trusted for longer than 2 s")
  }

  @Test func theCacheHoldsAtMostItsCapacityAndEvictsTheOldest() throws {
    let (fixture, identity) = try fixture(capacity: 4)
    let issued = try (0..<10).map {
      try identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "worker-\($0)")
    }
    for token in issued {
      #expect(try identity.principal(bearerToken: token.secret) != nil)
      #expect(identity.tokenCache.count <= 4)
      fixture.clock.advance(by: 0.01)
    }
    #expect(identity.tokenCache.count == 4)
    for token in issued { try revokeElsewhere(token.token, fixture) }
    #expect(try identity.principal(bearerToken: issued[0].secret) == nil, "evicted: read from the database")
    #expect(try identity.principal(bearerToken: issued[9].secret) != nil, "newest: still cached")
  }

  @Test func unknownAndMalformedSecretsAreNotRemembered() throws {
    let (fixture, identity) = try fixture()
    for secret in ["rwt_" + String(repeating: "A", count: 43), "not-a-token", ""] {
      #expect(try identity.principal(bearerToken: secret) == nil)
    }
    #expect(identity.tokenCache.count == 0)
    _ = fixture
  }

  @Test func theServiceUsedByServeCachesForTwoSeconds() throws {
    let fixture = try IdentityFixture()
    #expect(fixture.identity.tokenCache.timeToLive == 2)
    #expect(fixture.identity.tokenCache.capacity == 256)
  }
}
