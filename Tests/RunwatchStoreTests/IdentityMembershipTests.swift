import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct IdentityMembershipTests {
  @Test func grantRefusesTenantsOfAnotherWorkspaceAndUnknownTenants() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.identity.addUser(email: "op@example.com", name: "Op", password: "pw")
    #expect(
      throws: IdentityError.tenantOutsideWorkspace(tenantID: fixture.foreignTenant.id, workspaceSlug: "acme")
    ) {
      try fixture.database.grant(
        userID: user.id, workspaceID: fixture.base.workspace.id, role: .operator,
        tenantIDs: [fixture.foreignTenant.id], at: fixture.clock.now())
    }
    #expect(throws: IdentityError.unknownTenant(id: 4242)) {
      try fixture.database.grant(
        userID: user.id, workspaceID: fixture.base.workspace.id, role: .operator, tenantIDs: [4242],
        at: fixture.clock.now())
    }
    #expect(try fixture.database.memberships(userID: user.id).isEmpty, "a refused grant writes nothing")
  }

  @Test func regrantChangesTheRoleAndKeepsEntitlements() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.member("op@example.com", role: .operator, tenants: [fixture.base.tenant])
    try fixture.database.grant(
      userID: user.id, workspaceID: fixture.base.workspace.id, role: .readonly, at: fixture.clock.now())
    let access = try #require(try fixture.principal(user).access(in: fixture.base.workspace.id))
    #expect(access.role == .readonly)
    #expect(access.tenants == .only([fixture.base.tenant.id]))
  }

  @Test func revokingTenantsThenTheMembershipRemovesAccess() throws {
    let fixture = try IdentityFixture()
    let run = try fixture.base.createRun()
    let user = try fixture.member(
      "op@example.com", role: .operator, tenants: [fixture.base.tenant, fixture.base.otherTenant])
    #expect(
      try fixture.database.authorizeRun(id: run.id, principal: fixture.principal(user)) == .allowed(run))
    try fixture.database.revoke(
      userID: user.id, workspaceID: fixture.base.workspace.id, tenantIDs: [fixture.base.tenant.id])
    #expect(try fixture.database.authorizeRun(id: run.id, principal: fixture.principal(user)) == .notFound)
    #expect(
      try fixture.principal(user).access(in: fixture.base.workspace.id)?.tenants
        == .only([fixture.base.otherTenant.id]))
    try fixture.database.revoke(userID: user.id, workspaceID: fixture.base.workspace.id)
    #expect(try fixture.principal(user).workspaces.isEmpty)
    #expect(try fixture.base.count("tenant_entitlements") == 0)
    #expect(throws: IdentityError.notAMember(email: "op@example.com", workspaceSlug: "acme")) {
      try fixture.database.revoke(userID: user.id, workspaceID: fixture.base.workspace.id)
    }
  }

  @Test func usersAreUniqueByCaseInsensitiveEmailAndNeedAPassword() throws {
    let fixture = try IdentityFixture()
    _ = try fixture.identity.addUser(email: "Op@Example.com", name: "Op", password: "pw")
    #expect(throws: IdentityError.emailTaken("op@example.com")) {
      try fixture.identity.addUser(email: "OP@example.com", name: "Op", password: "pw")
    }
    #expect(throws: IdentityError.invalid("the password must not be empty")) {
      try fixture.identity.addUser(email: "new@example.com", name: "New", password: "")
    }
    #expect(throws: IdentityError.self) {
      try fixture.identity.addUser(email: "nope", name: "N", password: "pw")
    }
    #expect(try fixture.database.user(email: "OP@EXAMPLE.COM")?.email == "op@example.com")
  }

  @Test func passwordChangeEndsSessionsAndOldPasswordStopsWorking() throws {
    let fixture = try IdentityFixture()
    let user = try fixture.member("op@example.com", role: .operator)
    guard
      case .signedIn(_, let issued) = try fixture.identity.signIn(
        email: "op@example.com", password: "correct horse", address: "a")
    else {
      Issue.record("sign-in failed")
      return
    }
    try fixture.identity.setPassword(userID: user.id, to: "battery staple")
    #expect(try fixture.identity.validateSession(issued.cookieValue) == nil)
    #expect(
      try fixture.identity.signIn(email: "op@example.com", password: "correct horse", address: "a")
        == .invalidCredentials)
  }
}
