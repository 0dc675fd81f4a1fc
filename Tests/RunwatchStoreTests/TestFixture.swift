import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage

@testable import RunwatchStore

/// A fresh database (a file in a temp directory, or a schema of its own on PostgreSQL: see `TestStorage`)
/// with one workspace, two tenants and one user.
final class TestFixture {
  let directory: URL
  let location: StorageLocation
  /// The SQLite file (empty on PostgreSQL): for tests about the file itself.
  var path: String {
    if case .sqlite(let path) = location { return path }
    return ""
  }
  let clock = ManualTimeSource()
  let database: RunwatchDatabase
  let lifecycle: LifecycleService
  let workspace: Workspace
  let tenant: Tenant
  let otherTenant: Tenant
  let userID: Int64
  let worker = Actor(kind: .token, label: "token:test-worker", source: "api")

  init(policy: LifecyclePolicy = .builtIn) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    location = try TestStorage.freshLocation(in: directory)
    database = try RunwatchDatabase(location: location, policy: policy)
    lifecycle = LifecycleService(database: database, clock: clock)
    workspace = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
    tenant = try database.addTenant(workspaceID: workspace.id, name: "Contoso", at: clock.now())
    otherTenant = try database.addTenant(workspaceID: workspace.id, name: "Fabrikam", at: clock.now())
    let createdAt = clock.now()
    userID = try database.pool.write { connection in
      try connection.insert(
        "INSERT INTO users (email, name, created_at) VALUES ('ana@example.com', 'Ana', ?)", [createdAt])
    }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  func createRun(type: String = "policy.sync", initiator: Bool = true, tenant: Tenant? = nil) throws
    -> OperationRun
  {
    try lifecycle.create(
      NewRun(
        workspaceID: workspace.id, tenantID: (tenant ?? self.tenant).id,
        initiatorUserID: initiator ? userID : nil,
        type: type, context: ["source": "test"]), by: worker)
  }

  func count(_ table: String) throws -> Int {
    try database.pool.read { Int(try $0.scalar("SELECT COUNT(*) FROM \(table)") ?? 0) }
  }
}
