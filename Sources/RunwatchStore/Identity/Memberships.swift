import Foundation
import RunwatchCore
import StorageEngine

/// A user's membership of one workspace: the stored facts authorization is derived from.
public struct Membership: Sendable, Equatable {
  /// The member.
  public var userID: Int64
  /// The workspace.
  public var workspaceID: Int64
  /// The member's role there.
  public var role: Role
  /// Tenants of that workspace the member was granted (matters for operator and readonly).
  public var grantedTenantIDs: Set<Int64>
}

extension RunwatchDatabase {
  /// Makes `userID` a member of `workspaceID` with `role` (replacing an earlier role) and entitles them to
  /// `tenantIDs`, which must belong to that workspace. Earlier entitlements are kept.
  public func grant(
    userID: Int64, workspaceID: Int64, role: Role, tenantIDs: [Int64] = [], at time: Date
  ) throws {
    try pool.writeTransaction { connection in
      guard try connection.queryOne("SELECT 1 FROM users WHERE id = ?", [userID]) != nil else {
        throw IdentityError.unknownUserID(userID)
      }
      let slug = try Self.workspaceSlug(id: workspaceID, in: connection)
      for tenantID in tenantIDs {
        try Self.checkTenant(tenantID, belongsTo: workspaceID, slug: slug, in: connection)
      }
      try connection.execute(
        """
        INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role
        """, [userID, workspaceID, role.rawValue, time])
      for tenantID in tenantIDs {
        try connection.execute(
          "INSERT INTO tenant_entitlements (user_id, tenant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
          [userID, tenantID, time])
      }
    }
  }

  /// Takes `tenantIDs` away from a member of `workspaceID`; with no tenant ids, removes the membership and
  /// every entitlement to that workspace's tenants. Throws when the user is not a member.
  public func revoke(userID: Int64, workspaceID: Int64, tenantIDs: [Int64] = []) throws {
    try pool.writeTransaction { connection in
      let slug = try Self.workspaceSlug(id: workspaceID, in: connection)
      guard
        try connection.queryOne(
          "SELECT 1 FROM memberships WHERE user_id = ? AND workspace_id = ?", [userID, workspaceID]) != nil
      else {
        let email = try connection.queryOne("SELECT email FROM users WHERE id = ?", [userID])?.string("email")
        guard let email else { throw IdentityError.unknownUserID(userID) }
        throw IdentityError.notAMember(email: email, workspaceSlug: slug)
      }
      if tenantIDs.isEmpty {
        try connection.execute(
          """
          DELETE FROM tenant_entitlements
          WHERE user_id = ? AND tenant_id IN (SELECT id FROM tenants WHERE workspace_id = ?)
          """, [userID, workspaceID])
        try connection.execute(
          "DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?", [userID, workspaceID])
        try connection.execute(
          "UPDATE sessions SET current_workspace_id = NULL WHERE user_id = ? AND current_workspace_id = ?",
          [userID, workspaceID])
      } else {
        for tenantID in tenantIDs {
          try Self.checkTenant(tenantID, belongsTo: workspaceID, slug: slug, in: connection)
          try connection.execute(
            "DELETE FROM tenant_entitlements WHERE user_id = ? AND tenant_id = ?", [userID, tenantID])
        }
      }
    }
  }

  /// The members of a workspace, by name (at most `limit`): who the Operations index offers in its
  /// Initiator filter.
  public func memberNames(workspaceID: Int64, limit: Int = 500) throws -> [(id: Int64, name: String)] {
    try pool.read { connection in
      try connection.query(
        """
        SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = ? ORDER BY u.name, u.id LIMIT ?
        """, [workspaceID, limit]
      ).compactMap { row in row.int64(at: 0).map { ($0, row.string(at: 1) ?? "") } }
    }
  }

  /// Every membership of a user, by workspace id.
  public func memberships(userID: Int64) throws -> [Membership] {
    try pool.read { connection in try Self.memberships(userID: userID, in: connection) }
  }

  static func memberships(userID: Int64, in connection: any DatabaseConnection) throws -> [Membership] {
    let rows = try connection.query(
      "SELECT workspace_id, role FROM memberships WHERE user_id = ? ORDER BY workspace_id", [userID])
    var granted: [Int64: Set<Int64>] = [:]
    for row in try connection.query(
      """
      SELECT t.workspace_id, e.tenant_id FROM tenant_entitlements e JOIN tenants t ON t.id = e.tenant_id
      WHERE e.user_id = ?
      """, [userID])
    {
      guard let workspaceID = row.int64("workspace_id"), let tenantID = row.int64("tenant_id") else {
        throw StoreError.corruptRow(table: "tenant_entitlements")
      }
      granted[workspaceID, default: []].insert(tenantID)
    }
    return try rows.map { row in
      guard let workspaceID = row.int64("workspace_id"), let role = row.string("role").flatMap(Role.init)
      else { throw StoreError.corruptRow(table: "memberships") }
      return Membership(
        userID: userID, workspaceID: workspaceID, role: role, grantedTenantIDs: granted[workspaceID] ?? [])
    }
  }

  static func workspaceSlug(id: Int64, in connection: any DatabaseConnection) throws -> String {
    guard let slug = try connection.queryOne("SELECT slug FROM workspaces WHERE id = ?", [id])?.string("slug")
    else { throw StoreError.notFound("workspace \(id)") }
    return slug
  }

  static func checkTenant(
    _ tenantID: Int64, belongsTo workspaceID: Int64, slug: String, in connection: any DatabaseConnection
  )
    throws
  {
    guard
      let owner = try connection.queryOne("SELECT workspace_id FROM tenants WHERE id = ?", [tenantID])?
        .int64("workspace_id")
    else { throw IdentityError.unknownTenant(id: tenantID) }
    guard owner == workspaceID else {
      throw IdentityError.tenantOutsideWorkspace(tenantID: tenantID, workspaceSlug: slug)
    }
  }
}
