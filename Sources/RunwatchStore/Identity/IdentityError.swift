import RunwatchCore

/// Refusals from identity administration and sign-in. Descriptions name what is wrong (slug, e-mail, id) and
/// never carry a password, token or hash.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No workspace has this slug.
  case unknownWorkspace(slug: String)
  /// No user has this e-mail.
  case unknownUser(email: String)
  /// No user has this id.
  case unknownUserID(Int64)
  /// No tenant has this id.
  case unknownTenant(id: Int64)
  /// The tenant exists but belongs to another workspace.
  case tenantOutsideWorkspace(tenantID: Int64, workspaceSlug: String)
  /// The role name is not one of the roles.
  case unknownRole(String)
  /// No API token has this id.
  case unknownToken(id: Int64)
  /// The user is not a member of the workspace.
  case notAMember(email: String, workspaceSlug: String)
  /// A user with this e-mail already exists.
  case emailTaken(String)
  /// A workspace with this slug already exists.
  case slugTaken(String)
  /// Input rejected before touching the database (empty password, malformed e-mail…).
  case invalid(String)

  /// Human-readable description.
  public var description: String {
    switch self {
    case .unknownWorkspace(let slug): "unknown workspace '\(slug)'"
    case .unknownUser(let email): "unknown user '\(email)'"
    case .unknownUserID(let id): "unknown user id \(id)"
    case .unknownTenant(let id): "unknown tenant id \(id)"
    case .tenantOutsideWorkspace(let id, let slug): "tenant \(id) does not belong to workspace '\(slug)'"
    case .unknownRole(let role):
      "unknown role '\(role)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
    case .unknownToken(let id): "unknown token id \(id)"
    case .notAMember(let email, let slug): "'\(email)' is not a member of workspace '\(slug)'"
    case .emailTaken(let email): "a user with e-mail '\(email)' already exists"
    case .slugTaken(let slug): "a workspace with slug '\(slug)' already exists"
    case .invalid(let why): why
    }
  }
}
