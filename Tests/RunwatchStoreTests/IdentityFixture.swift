import Foundation
import RunwatchCore
import SQLiteDB
import SecretKit
import TestStorage
import Testing

@testable import RunwatchStore

/// `TestFixture` plus a second workspace, an identity service with the cheapest password cost, and helpers
/// for users, members and tokens.
final class IdentityFixture {
  let base: TestFixture
  let identity: IdentityService
  let otherWorkspace: Workspace
  let foreignTenant: Tenant

  var database: RunwatchDatabase { base.database }
  var clock: ManualTimeSource { base.clock }

  init(
    sessionSettings: SessionSettings = SessionSettings(),
    throttleSettings: LoginThrottleSettings = LoginThrottleSettings()
  ) throws {
    base = try TestFixture()
    identity = IdentityService(
      database: base.database, clock: base.clock, hasher: PasswordHasher(cost: .minimum),
      sessionSettings: sessionSettings, throttleSettings: throttleSettings)
    otherWorkspace = try base.database.addWorkspace(slug: "globex", name: "Globex", at: base.clock.now())
    foreignTenant = try base.database.addTenant(
      workspaceID: otherWorkspace.id, name: "Initech", at: base.clock.now())
  }

  /// A user with password `correct horse` and the given role in `workspace` (default: the fixture's).
  @discardableResult
  func member(
    _ email: String, role: Role, tenants: [Tenant] = [], workspace: Workspace? = nil
  ) throws -> User {
    let user = try identity.addUser(email: email, name: email, password: "correct horse")
    try database.grant(
      userID: user.id, workspaceID: (workspace ?? base.workspace).id, role: role,
      tenantIDs: tenants.map(\.id),
      at: clock.now())
    return user
  }

  func principal(_ user: User) throws -> Principal {
    try #require(try database.principal(userID: user.id))
  }

  /// Everything the database holds (see `TestStorage.storedBytes`).
  func storedBytes() throws -> Data {
    Data(try TestStorage.storedBytes(of: database))
  }

  func isStored(_ text: String) throws -> Bool {
    try storedBytes().range(of: Data(text.utf8)) != nil
  }
}
