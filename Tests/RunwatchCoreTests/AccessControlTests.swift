import Foundation
import RunwatchCore
import Testing

@Suite struct AccessControlTests {
  let policy = LifecyclePolicy.builtIn
  let workspace: Int64 = 1
  let otherWorkspace: Int64 = 2
  let tenantA: Int64 = 10
  let tenantB: Int64 = 11

  var policyRun: RunAccessTarget {
    RunAccessTarget(workspaceID: workspace, tenantID: tenantA, type: "policy.sync")
  }
  var restoreRun: RunAccessTarget {
    RunAccessTarget(workspaceID: workspace, tenantID: tenantA, type: "restore.execute")
  }

  func member(_ role: Role, of workspaceID: Int64, tenants: Set<Int64> = []) -> Principal {
    Principal(
      identity: .user(id: 7, email: "ana@example.com"),
      workspaces: [
        workspaceID: CapabilityRegistry.access(
          workspaceID: workspaceID, role: role, grantedTenantIDs: tenants, policy: policy)
      ])
  }

  func token(of workspaceID: Int64) -> Principal {
    Principal(
      identity: .token(id: 3, name: "ci"),
      workspaces: [workspaceID: CapabilityRegistry.tokenAccess(workspaceID: workspaceID, policy: policy)])
  }

  func decide(_ principal: Principal, _ target: RunAccessTarget?) -> AccessDecision {
    AccessControl.decide(principal: principal, run: target, policy: policy)
  }

  @Test func memberOfAnotherWorkspaceGetsNotFound() {
    let principal = member(.owner, of: otherWorkspace)
    #expect(decide(principal, policyRun) == .notFound)
    #expect(decide(principal, restoreRun) == .notFound)
  }

  @Test func memberNotEntitledToTheTenantGetsNotFound() {
    let principal = member(.operator, of: workspace, tenants: [tenantB])
    #expect(decide(principal, policyRun) == .notFound)
    #expect(decide(principal, restoreRun) == .notFound)
  }

  @Test func readonlyMemberLacksRestoreViewOnARestoreRun() {
    let principal = member(.readonly, of: workspace, tenants: [tenantA])
    #expect(decide(principal, policyRun) == .allowed)
    #expect(decide(principal, restoreRun) == .forbidden(.restoreView))
  }

  @Test func entitledOperatorIsAllowed() {
    let principal = member(.operator, of: workspace, tenants: [tenantA])
    #expect(decide(principal, policyRun) == .allowed)
    #expect(decide(principal, restoreRun) == .allowed)
  }

  @Test func ownerAndManagerReachEveryTenantWithoutGrants() {
    for role in [Role.owner, .manager] {
      let principal = member(role, of: workspace)
      #expect(decide(principal, policyRun) == .allowed)
      #expect(decide(principal, restoreRun) == .allowed)
      #expect(
        decide(principal, RunAccessTarget(workspaceID: workspace, tenantID: 999, type: "x")) == .allowed)
    }
  }

  @Test func tokenReachesOnlyItsOwnWorkspace() {
    #expect(decide(token(of: workspace), policyRun) == .allowed)
    #expect(decide(token(of: workspace), restoreRun) == .allowed)
    #expect(decide(token(of: otherWorkspace), policyRun) == .notFound)
    #expect(decide(token(of: otherWorkspace), restoreRun) == .notFound)
  }

  @Test func missingRunAndNotEntitledRunAreTheSameDecision() {
    let notEntitled = member(.readonly, of: workspace, tenants: [tenantB])
    let missing = decide(notEntitled, nil)
    #expect(missing == .notFound)
    #expect(decide(notEntitled, policyRun) == missing)
    #expect(decide(member(.owner, of: workspace), nil) == .notFound)
  }

  @Test func memberWithoutOperationsViewIsForbiddenNamingIt() {
    let principal = Principal(
      identity: .user(id: 1, email: "x@example.com"),
      workspaces: [
        workspace: WorkspaceAccess(workspaceID: workspace, role: nil, capabilities: [], tenants: .all)
      ])
    #expect(decide(principal, policyRun) == .forbidden(.operationsView))
  }

  @Test func workspaceLevelRunsAreVisibleToEveryMember() {
    let workspaceRun = RunAccessTarget(workspaceID: workspace, tenantID: nil, type: "policy.sync")
    #expect(decide(member(.readonly, of: workspace), workspaceRun) == .allowed)
    #expect(decide(member(.readonly, of: otherWorkspace), workspaceRun) == .notFound)
  }

  @Test func auditNeedsAuditView() {
    func audit(_ principal: Principal) -> AccessDecision {
      AccessControl.decide(principal: principal, workspaceID: workspace, requiring: .auditView)
    }
    #expect(audit(member(.owner, of: workspace)) == .allowed)
    #expect(audit(member(.operator, of: workspace)) == .allowed)
    #expect(audit(member(.readonly, of: workspace)) == .forbidden(.auditView))
    #expect(audit(token(of: workspace)) == .forbidden(.auditView))
    #expect(audit(member(.owner, of: otherWorkspace)) == .notFound)
  }

  @Test func registryMapsRolesToCapabilitiesInOnePlace() {
    #expect(CapabilityRegistry.capabilities(of: .readonly, policy: policy) == [.operationsView])
    #expect(
      CapabilityRegistry.capabilities(of: .operator, policy: policy) == [
        .operationsView, .auditView, .restoreView,
      ])
    #expect(
      CapabilityRegistry.capabilities(of: .owner, policy: policy) == [
        .operationsView, .auditView, .restoreView, .operationsResolve, .webhooksManage,
      ])
    #expect(CapabilityRegistry.capabilities(of: .manager, policy: policy).contains(.restoreView))
    #expect(CapabilityRegistry.capabilities(of: .manager, policy: policy).contains(.operationsResolve))
    #expect(!CapabilityRegistry.tokenCapabilities(policy: policy).contains(.operationsResolve))
    // Webhooks send the workspace's data elsewhere: owners only, never managers or tokens.
    #expect(!CapabilityRegistry.capabilities(of: .manager, policy: policy).contains(.webhooksManage))
    #expect(!CapabilityRegistry.tokenCapabilities(policy: policy).contains(.webhooksManage))
    #expect(!CapabilityRegistry.tokenCapabilities(readOnly: true, policy: policy).contains(.webhooksManage))
    #expect(CapabilityRegistry.isEntitledToAllTenants(.owner))
    #expect(CapabilityRegistry.isEntitledToAllTenants(.manager))
    #expect(!CapabilityRegistry.isEntitledToAllTenants(.operator))
    #expect(!CapabilityRegistry.isEntitledToAllTenants(.readonly))
  }

  @Test func ownersHoldCapabilitiesAPolicyFileInvents() {
    var custom = policy
    custom.types["backup_schedule_run"]?.capability = "backup.view"
    #expect(CapabilityRegistry.capabilities(of: .owner, policy: custom).contains("backup.view"))
    #expect(!CapabilityRegistry.capabilities(of: .operator, policy: custom).contains("backup.view"))
    let target = RunAccessTarget(workspaceID: workspace, tenantID: tenantA, type: "backup_schedule_run")
    let operatorAccess = CapabilityRegistry.access(
      workspaceID: workspace, role: .operator, grantedTenantIDs: [tenantA], policy: custom)
    let principal = Principal(
      identity: .user(id: 1, email: "o@example.com"), workspaces: [workspace: operatorAccess])
    #expect(
      AccessControl.decide(principal: principal, run: target, policy: custom) == .forbidden("backup.view"))
  }

  @Test func hiddenTypesAreTheCoveredTypesWhoseCapabilityIsMissing() {
    #expect(CapabilityRegistry.hiddenTypes(for: [.operationsView], policy: policy) == ["restore.execute"])
    #expect(CapabilityRegistry.hiddenTypes(for: [.operationsView, .restoreView], policy: policy).isEmpty)
  }
}
