/// Which tenants of a workspace a principal reaches.
public enum TenantAccess: Sendable, Equatable {
  /// Every tenant, present and future.
  case all
  /// Only these tenant ids.
  case only(Set<Int64>)

  /// Whether a run of `tenantID` is reachable. Workspace-level runs (`nil` tenant) belong to the workspace
  /// itself, so every member reaches them.
  public func includes(_ tenantID: Int64?) -> Bool {
    guard let tenantID else { return true }
    switch self {
    case .all: return true
    case .only(let ids): return ids.contains(tenantID)
    }
  }
}

/// Everything authorization needs about a principal in one workspace: the facts, already resolved through
/// `CapabilityRegistry`.
public struct WorkspaceAccess: Sendable, Equatable {
  /// The workspace.
  public var workspaceID: Int64
  /// The member's role; `nil` for a worker token.
  public var role: Role?
  /// Capabilities held in this workspace.
  public var capabilities: Set<Capability>
  /// Tenants reached in this workspace.
  public var tenants: TenantAccess

  /// Creates access facts. Prefer `CapabilityRegistry.access(…)`, which derives them from a role.
  public init(workspaceID: Int64, role: Role?, capabilities: Set<Capability>, tenants: TenantAccess) {
    self.workspaceID = workspaceID
    self.role = role
    self.capabilities = capabilities
    self.tenants = tenants
  }

  /// Whether `capability` is held here.
  public func has(_ capability: Capability) -> Bool { capabilities.contains(capability) }
}

/// Who is asking: a signed-in user (with access in each workspace they belong to) or a worker token (with
/// access in its one workspace). Built by the store from the database; decided on by `AccessControl`.
public struct Principal: Sendable, Equatable {
  /// The authenticated identity.
  public enum Identity: Sendable, Equatable {
    /// A person.
    case user(id: Int64, email: String)
    /// A workspace-scoped API token.
    case token(id: Int64, name: String)
  }

  /// The authenticated identity.
  public var identity: Identity
  /// Access per workspace id. Absent workspace = not a member.
  public var workspaces: [Int64: WorkspaceAccess]

  /// Creates a principal.
  public init(identity: Identity, workspaces: [Int64: WorkspaceAccess]) {
    self.identity = identity
    self.workspaces = workspaces
  }

  /// Access in `workspaceID`, or nil when not a member there.
  public func access(in workspaceID: Int64) -> WorkspaceAccess? { workspaces[workspaceID] }

  /// Who, in words safe to log and show: `user:<email>` or `token:<name>`. Never a secret.
  public var label: String {
    switch identity {
    case .user(_, let email): "user:\(email)"
    case .token(_, let name): "token:\(name)"
    }
  }

  /// The user id, when the principal is a person.
  public var userID: Int64? {
    if case .user(let id, _) = identity { return id }
    return nil
  }

  /// The token id, when the principal is a worker token.
  public var tokenID: Int64? {
    if case .token(let id, _) = identity { return id }
    return nil
  }
}
