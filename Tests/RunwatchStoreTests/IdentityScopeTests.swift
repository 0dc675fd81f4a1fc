import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Runs in two tenants of one workspace (plus a workspace-level run) and a tenant of a second workspace, listed
/// and opened as each kind of principal.
@Suite struct IdentityScopeTests {
  struct World {
    let fixture: IdentityFixture
    let policyA: OperationRun
    let restoreA: OperationRun
    let policyB: OperationRun
    let workspaceLevel: OperationRun
    let foreign: OperationRun

    init() throws {
      fixture = try IdentityFixture()
      let base = fixture.base
      policyA = try base.createRun(type: "policy.sync", tenant: base.tenant)
      restoreA = try base.createRun(type: "restore.execute", tenant: base.tenant)
      policyB = try base.createRun(type: "policy.sync", tenant: base.otherTenant)
      workspaceLevel = try base.lifecycle.create(
        NewRun(
          workspaceID: base.workspace.id, tenantID: nil, initiatorUserID: nil, type: "inventory_sync",
          context: [:]), by: base.worker)
      foreign = try base.lifecycle.create(
        NewRun(
          workspaceID: fixture.otherWorkspace.id, tenantID: fixture.foreignTenant.id, initiatorUserID: nil,
          type: "policy.sync", context: [:]), by: base.worker)
    }

    var all: [OperationRun] { [policyA, restoreA, policyB, workspaceLevel, foreign] }

    func listed(_ principal: Principal, in workspaceID: Int64) throws -> Set<Int64>? {
      guard case .allowed(let scope) = fixture.database.runScope(for: principal, in: workspaceID) else {
        return nil
      }
      let page = try fixture.database.listRuns(
        scope: scope, filter: RunFilter(), limit: 100, now: fixture.clock.now())
      return Set(page.runs.map(\.id))
    }

    func openable(_ principal: Principal) throws -> Set<Int64> {
      Set(
        try all.filter {
          try fixture.database.authorizeRun(id: $0.id, principal: principal).decision == .allowed
        }.map(\.id))
    }
  }

  /// Every list equals exactly the runs the principal could open: lists never leak and never hide.
  func expectListMatchesOpenable(_ world: World, _ principal: Principal, _ expected: Set<Int64>) throws {
    var listed: Set<Int64> = []
    for workspace in [world.fixture.base.workspace.id, world.fixture.otherWorkspace.id] {
      listed.formUnion(try world.listed(principal, in: workspace) ?? [])
    }
    #expect(listed == expected)
    #expect(try world.openable(principal) == expected)
  }

  @Test func ownerSeesEverythingInTheirWorkspaceOnly() throws {
    let world = try World()
    let owner = try world.fixture.principal(try world.fixture.member("owner@example.com", role: .owner))
    try expectListMatchesOpenable(
      world, owner, [world.policyA.id, world.restoreA.id, world.policyB.id, world.workspaceLevel.id])
    #expect(world.fixture.database.runScope(for: owner, in: world.fixture.otherWorkspace.id) == .notFound)
  }

  @Test func operatorSeesOnlyGrantedTenants() throws {
    let world = try World()
    let user = try world.fixture.member(
      "op@example.com", role: .operator, tenants: [world.fixture.base.tenant])
    try expectListMatchesOpenable(
      world, try world.fixture.principal(user),
      [world.policyA.id, world.restoreA.id, world.workspaceLevel.id])
  }

  @Test func readonlyListHidesTypesItCannotOpen() throws {
    let world = try World()
    let user = try world.fixture.member(
      "ro@example.com", role: .readonly, tenants: [world.fixture.base.tenant])
    let principal = try world.fixture.principal(user)
    try expectListMatchesOpenable(world, principal, [world.policyA.id, world.workspaceLevel.id])
    #expect(
      try world.fixture.database.authorizeRun(id: world.restoreA.id, principal: principal)
        == .forbidden(.restoreView))
  }

  @Test func memberOfAnotherWorkspaceSeesOnlyThatWorkspace() throws {
    let world = try World()
    let user = try world.fixture.member(
      "g@example.com", role: .owner, workspace: world.fixture.otherWorkspace)
    try expectListMatchesOpenable(world, try world.fixture.principal(user), [world.foreign.id])
  }

  @Test func tokensListTheirWholeWorkspace() throws {
    let world = try World()
    let issued = try world.fixture.identity.createAPIToken(
      workspaceID: world.fixture.otherWorkspace.id, name: "t")
    let principal = try #require(try world.fixture.identity.principal(bearerToken: issued.secret))
    try expectListMatchesOpenable(world, principal, [world.foreign.id])
  }

  @Test func missingRunAndNotEntitledRunGiveTheSameResult() throws {
    let world = try World()
    let user = try world.fixture.member(
      "op@example.com", role: .operator, tenants: [world.fixture.base.otherTenant])
    let principal = try world.fixture.principal(user)
    let notEntitled = try world.fixture.database.authorizeRun(id: world.policyA.id, principal: principal)
    let otherWorkspace = try world.fixture.database.authorizeRun(id: world.foreign.id, principal: principal)
    let missing = try world.fixture.database.authorizeRun(id: 987_654, principal: principal)
    #expect(missing == .notFound)
    #expect(notEntitled == missing)
    #expect(otherWorkspace == missing)
  }

  @Test func readonlyScopeNamesItsLimits() throws {
    let world = try World()
    let user = try world.fixture.member(
      "ro@example.com", role: .readonly, tenants: [world.fixture.base.tenant])
    let scope = world.fixture.database.runScope(
      for: try world.fixture.principal(user), in: world.fixture.base.workspace.id)
    #expect(
      scope
        == .allowed(
          RunScope(
            workspaceID: world.fixture.base.workspace.id, tenantIDs: [world.fixture.base.tenant.id],
            includesWorkspaceLevelRuns: true, hiddenTypes: ["restore.execute"])))
  }
}
