import Foundation
import RunwatchCore
import SecretKit
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct IdentityTokenTests {
  @Test func tokensAreStoredOnlyHashedAndAuthenticateToTheirWorkspace() throws {
    let fixture = try IdentityFixture()
    let issued = try fixture.identity.createAPIToken(
      workspaceID: fixture.base.workspace.id, name: "ci-worker")
    #expect(issued.secret.hasPrefix("rwt_"))
    #expect(try fixture.isStored(try SecretsProbe.sha256Hex(issued.secret)))
    #expect(try !fixture.isStored(issued.secret))
    let principal = try #require(try fixture.identity.principal(bearerToken: issued.secret))
    #expect(principal.identity == .token(id: issued.token.id, name: "ci-worker"))
    #expect(Array(principal.workspaces.keys) == [fixture.base.workspace.id])
    #expect(principal.label == "token:ci-worker")
  }

  @Test func revokedUnknownAndMalformedTokensDoNotAuthenticate() throws {
    let fixture = try IdentityFixture()
    let issued = try fixture.identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    #expect(try fixture.identity.principal(bearerToken: issued.secret) != nil)
    try fixture.identity.revokeAPIToken(id: issued.token.id)
    #expect(try fixture.identity.principal(bearerToken: issued.secret) == nil)
    #expect(try fixture.identity.principal(bearerToken: "rwt_" + String(repeating: "A", count: 43)) == nil)
    #expect(try fixture.identity.principal(bearerToken: "") == nil)
    #expect(throws: IdentityError.unknownToken(id: 999)) { try fixture.identity.revokeAPIToken(id: 999) }
  }

  @Test func listingShowsUseAndRevocationButNoSecret() throws {
    let fixture = try IdentityFixture()
    let issued = try fixture.identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "ci")
    _ = try fixture.identity.createAPIToken(workspaceID: fixture.otherWorkspace.id, name: "elsewhere")
    fixture.clock.advance(by: 5)
    _ = try fixture.identity.principal(bearerToken: issued.secret)
    var listed = try fixture.database.apiTokens(workspaceID: fixture.base.workspace.id)
    #expect(listed.map(\.name) == ["ci"])
    #expect(listed.first?.lastUsedAt == fixture.clock.now())
    #expect(listed.first?.isRevoked == false)
    fixture.clock.advance(by: 5)
    try fixture.identity.revokeAPIToken(id: issued.token.id)
    listed = try fixture.database.apiTokens(workspaceID: fixture.base.workspace.id)
    #expect(listed.first?.revokedAt == fixture.clock.now())
  }

  @Test func tokenOfAnotherWorkspaceNeverReachesThisWorkspacesRuns() throws {
    let fixture = try IdentityFixture()
    let run = try fixture.base.createRun()
    let foreign = try fixture.identity.createAPIToken(workspaceID: fixture.otherWorkspace.id, name: "x")
    let own = try fixture.identity.createAPIToken(workspaceID: fixture.base.workspace.id, name: "y")
    let foreignPrincipal = try #require(try fixture.identity.principal(bearerToken: foreign.secret))
    let ownPrincipal = try #require(try fixture.identity.principal(bearerToken: own.secret))
    #expect(try fixture.database.authorizeRun(id: run.id, principal: foreignPrincipal) == .notFound)
    #expect(try fixture.database.authorizeRun(id: run.id, principal: ownPrincipal) == .allowed(run))
  }
}

enum SecretsProbe {
  static func sha256Hex(_ text: String) throws -> String { try Secrets.sha256Hex(text) }
}
