import Foundation
import RunwatchCore
import StorageEngine

extension RunwatchDatabase {
  /// The principal for a user: their access in every workspace they belong to, resolved through
  /// `CapabilityRegistry` under the policy in force. Nil when the user does not exist.
  public func principal(userID: Int64) throws -> Principal? {
    try pool.read { connection in
      guard
        let email = try connection.queryOne("SELECT email FROM users WHERE id = ?", [userID])?.string("email")
      else { return nil }
      let memberships = try Self.memberships(userID: userID, in: connection)
      var workspaces: [Int64: WorkspaceAccess] = [:]
      for membership in memberships {
        workspaces[membership.workspaceID] = CapabilityRegistry.access(
          workspaceID: membership.workspaceID, role: membership.role,
          grantedTenantIDs: membership.grantedTenantIDs, policy: policy)
      }
      return Principal(identity: .user(id: userID, email: email), workspaces: workspaces)
    }
  }

  /// The principal for a user by e-mail (trusted-header mode), or nil when no such user exists.
  public func principal(email: String) throws -> Principal? {
    guard let user = try user(email: email) else { return nil }
    return try principal(userID: user.id)
  }

  /// The principal for an authenticated worker token: its own workspace only.
  public func principal(token: APIToken) -> Principal {
    Principal(
      identity: .token(id: token.id, name: token.name),
      workspaces: [
        token.workspaceID: CapabilityRegistry.tokenAccess(
          workspaceID: token.workspaceID, readOnly: token.isReadOnly, policy: policy)
      ])
  }
}

extension Principal {
  /// The audit/late-report actor for changes this principal makes through `source` (`web`, `api`).
  public func actor(source: String) -> Actor {
    switch identity {
    case .user: Actor(kind: .user, label: label, source: source)
    case .token: Actor(kind: .token, label: label, source: source)
    }
  }
}
