/// The one place that says which role holds which capability and which tenants it reaches. Pages, the
/// worker API, list scoping and the CLI all ask here; nothing else hard-codes a role.
public enum CapabilityRegistry {
  /// Capabilities Runwatch itself defines (the policy may add per-type ones).
  public static let builtInCapabilities: Set<Capability> = [
    .operationsView, .auditView, .restoreView, .operationsResolve, .webhooksManage,
  ]

  /// Capabilities only owners hold: what sends the workspace's data elsewhere.
  public static let ownerOnlyCapabilities: Set<Capability> = [.webhooksManage]

  /// Every capability known under `policy`: the built-in ones plus each type's view capability.
  public static func allCapabilities(policy: LifecyclePolicy) -> Set<Capability> {
    builtInCapabilities.union(policy.types.values.map { Capability(rawValue: $0.capability) })
  }

  /// What `role` may do under `policy`. Owners hold everything, including capabilities a policy file invents;
  /// managers too, except the owner-only ones (`webhooks.manage`); operators see runs (restores included) and
  /// the audit log; read-only members see ordinary runs only.
  public static func capabilities(of role: Role, policy: LifecyclePolicy) -> Set<Capability> {
    switch role {
    case .owner: allCapabilities(policy: policy)
    case .manager: allCapabilities(policy: policy).subtracting(ownerOnlyCapabilities)
    case .operator: [.operationsView, .auditView, .restoreView]
    case .readonly: [.operationsView]
    }
  }

  /// Whether `role` reaches every tenant of its workspace (otherwise only tenants it was granted).
  public static func isEntitledToAllTenants(_ role: Role) -> Bool {
    switch role {
    case .owner, .manager: true
    case .operator, .readonly: false
    }
  }

  /// What a worker token may do: see every run of its own workspace, whatever its type, but not the audit
  /// log, which is for people; and, unless it is read-only, report on runs (`runs.report`: create, start,
  /// heartbeat, complete, queue failure). Only tokens hold `runs.report`: people act through pages, and only
  /// people resolve a stuck run (`operations.resolve`) or manage webhooks (`webhooks.manage`).
  public static func tokenCapabilities(readOnly: Bool = false, policy: LifecyclePolicy) -> Set<Capability> {
    let reading = allCapabilities(policy: policy).subtracting([
      .auditView, .operationsResolve, .webhooksManage,
    ])
    return readOnly ? reading : reading.union([.runsReport])
  }

  /// A member's access in one workspace, from the stored facts (role and granted tenant ids).
  public static func access(
    workspaceID: Int64, role: Role, grantedTenantIDs: Set<Int64>, policy: LifecyclePolicy
  ) -> WorkspaceAccess {
    WorkspaceAccess(
      workspaceID: workspaceID, role: role, capabilities: capabilities(of: role, policy: policy),
      tenants: isEntitledToAllTenants(role) ? .all : .only(grantedTenantIDs))
  }

  /// A worker token's access: its own workspace, every tenant.
  public static func tokenAccess(workspaceID: Int64, readOnly: Bool = false, policy: LifecyclePolicy)
    -> WorkspaceAccess
  {
    WorkspaceAccess(
      workspaceID: workspaceID, role: nil,
      capabilities: tokenCapabilities(readOnly: readOnly, policy: policy),
      tenants: .all)
  }

  /// The covered types whose view capability is missing from `capabilities`: lists hide them so they only
  /// contain runs that would open. Uncovered types need only `operations.view`, so they are never hidden here.
  public static func hiddenTypes(for capabilities: Set<Capability>, policy: LifecyclePolicy) -> [String] {
    policy.types.filter { !capabilities.contains(Capability(rawValue: $0.value.capability)) }.keys.sorted()
  }
}
