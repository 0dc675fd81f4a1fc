import Foundation
import RunwatchCore
import StorageEngine

extension RunScope {
  /// The list scope for `principal` in `workspaceID`: only tenants it is entitled to and only types whose
  /// capability it holds, so every listed run would open. Not a member → `.notFound`; a member without
  /// `operations.view` → `.forbidden(.operationsView)`.
  public static func authorized(
    for principal: Principal, in workspaceID: Int64, policy: LifecyclePolicy
  ) -> Authorized<RunScope> {
    switch AccessControl.decide(principal: principal, workspaceID: workspaceID, requiring: .operationsView) {
    case .notFound: return .notFound
    case .forbidden(let capability): return .forbidden(capability)
    case .allowed: break
    }
    guard let access = principal.access(in: workspaceID) else { return .notFound }
    let tenantIDs: [Int64]? =
      switch access.tenants {
      case .all: nil
      case .only(let ids): ids.sorted()
      }
    return .allowed(
      RunScope(
        workspaceID: workspaceID, tenantIDs: tenantIDs, includesWorkspaceLevelRuns: true,
        hiddenTypes: CapabilityRegistry.hiddenTypes(for: access.capabilities, policy: policy)))
  }
}

extension RunwatchDatabase {
  /// The run `id` if `principal` may open it. A missing run and a run the principal must not know about go
  /// through the same minimal lookup and the same decision and come back as the same `.notFound` value; a
  /// reachable run lacking a capability comes back `.forbidden(capability)`. The whole row is read only once
  /// allowed, so refusing a run costs what refusing a missing id costs.
  public func authorizeRun(id: Int64, principal: Principal) throws -> Authorized<OperationRun> {
    try pool.read { connection in
      try connection.fetchAuthorizedRun(id: id, principal: principal, policy: policy)
    }
  }

  /// The access decision for run `id` alone, for routes that act on the run by id (start, complete, queue
  /// failure): nothing but workspace, tenant and type is read.
  public func authorizeRunAccess(id: Int64, principal: Principal) throws -> AccessDecision {
    try pool.read { connection in try connection.decideRunAccess(id: id, principal: principal, policy: policy)
    }
  }

  /// `authorizeRun(id:principal:)` with what the run's row only references (workspace slug, initiator e-mail,
  /// late reports), all in one read transaction: the same lookup and decision, the extra reads only once allowed.
  public func authorizeRunDetails(id: Int64, principal: Principal) throws -> Authorized<RunDetails> {
    try pool.read { connection in
      let authorized = try connection.fetchAuthorizedRunWithReferences(
        id: id, principal: principal, policy: policy)
      guard case .allowed(var details) = authorized else { return authorized }
      details.lateReports = try connection.fetchLateReports(runID: id)
      return .allowed(details)
    }
  }

  /// The list scope for `principal` in `workspaceID` under the policy in force (see `RunScope.authorized`).
  public func runScope(for principal: Principal, in workspaceID: Int64) -> Authorized<RunScope> {
    RunScope.authorized(for: principal, in: workspaceID, policy: policy)
  }
}
