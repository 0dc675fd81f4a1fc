import Foundation
import RunwatchCore
import StorageEngine

/// A workspace.
public struct Workspace: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// URL-safe slug.
  public var slug: String
  /// Display name.
  public var name: String
}

/// A tenant of a workspace.
public struct Tenant: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// Owning workspace.
  public var workspaceID: Int64
  /// Display name.
  public var name: String
  /// Whether the tenant was archived (its runs may no longer execute).
  public var isArchived: Bool
}

extension RunwatchDatabase {
  /// Adds a workspace.
  public func addWorkspace(slug: String, name: String, at time: Date) throws -> Workspace {
    try pool.writeTransaction { connection in
      let id = try connection.insert(
        "INSERT INTO workspaces (slug, name, created_at) VALUES (?, ?, ?)", [slug, name, time])
      return Workspace(id: id, slug: slug, name: name)
    }
  }

  /// A workspace by slug.
  public func workspace(slug: String) throws -> Workspace? {
    try pool.read { connection in
      try connection.queryOne("SELECT id, slug, name FROM workspaces WHERE slug = ?", [slug]).map(
        Self.workspace(row:))
    }
  }

  /// Every workspace, by slug.
  public func workspaces() throws -> [Workspace] {
    try pool.read { connection in
      try connection.query("SELECT id, slug, name FROM workspaces ORDER BY slug").map(Self.workspace(row:))
    }
  }

  /// A workspace by id.
  public func workspace(id: Int64) throws -> Workspace? {
    try pool.read { connection in
      try connection.queryOne("SELECT id, slug, name FROM workspaces WHERE id = ?", [id]).map(
        Self.workspace(row:))
    }
  }

  /// Adds an active tenant to a workspace.
  public func addTenant(workspaceID: Int64, name: String, at time: Date) throws -> Tenant {
    try pool.writeTransaction { connection in
      let id = try connection.insert(
        "INSERT INTO tenants (workspace_id, name, status, created_at) VALUES (?, ?, 'active', ?)",
        [workspaceID, name, time])
      return Tenant(id: id, workspaceID: workspaceID, name: name, isArchived: false)
    }
  }

  /// Archives a tenant; returns false when it does not exist.
  @discardableResult
  public func archiveTenant(id: Int64, at time: Date) throws -> Bool {
    try pool.writeTransaction { connection in
      return try connection.execute(
        "UPDATE tenants SET status = 'archived', archived_at = COALESCE(archived_at, ?) WHERE id = ?",
        [time, id]) == 1
    }
  }

  /// A tenant by id.
  public func tenant(id: Int64) throws -> Tenant? {
    try pool.read { connection in
      try connection.queryOne("SELECT id, workspace_id, name, status FROM tenants WHERE id = ?", [id])
        .map(Self.tenant(row:))
    }
  }

  /// Every tenant of a workspace, by name.
  public func tenants(workspaceID: Int64) throws -> [Tenant] {
    try pool.read { connection in
      try connection.query(
        "SELECT id, workspace_id, name, status FROM tenants WHERE workspace_id = ? ORDER BY name, id",
        [workspaceID]
      ).map(Self.tenant(row:))
    }
  }

  static func workspace(row: Row) throws -> Workspace {
    guard let id = row.int64("id"), let slug = row.string("slug") else {
      throw StoreError.corruptRow(table: "workspaces")
    }
    return Workspace(id: id, slug: slug, name: row.string("name") ?? slug)
  }

  static func tenant(row: Row) throws -> Tenant {
    guard let id = row.int64("id"), let workspaceID = row.int64("workspace_id") else {
      throw StoreError.corruptRow(table: "tenants")
    }
    return Tenant(
      id: id, workspaceID: workspaceID, name: row.string("name") ?? "",
      isArchived: row.string("status") == "archived")
  }
}
