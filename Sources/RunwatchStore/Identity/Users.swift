import Foundation
import RunwatchCore
import StorageEngine

/// A person who can sign in. The password hash never leaves the store.
public struct User: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// Sign-in e-mail (unique, case-insensitive).
  public var email: String
  /// Display name.
  public var name: String
  /// Whether a password is set (users of the trusted-header mode may have none).
  public var hasPassword: Bool
}

extension RunwatchDatabase {
  /// Normalizes an e-mail for storage and lookup: trimmed and lower-cased.
  public static func normalizedEmail(_ email: String) -> String {
    email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }

  /// Adds a user with an already computed password hash (`IdentityService.addUser` hashes for you).
  public func addUser(email: String, name: String, passwordHash: String?, at time: Date) throws -> User {
    let email = Self.normalizedEmail(email)
    // A NUL would make the address mean different things to SQLite, C libraries and us.
    guard !email.utf8.contains(0), !name.utf8.contains(0) else {
      throw IdentityError.invalid("an e-mail address or name must not contain a NUL character")
    }
    guard email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@") else {
      throw IdentityError.invalid("'\(email)' is not an e-mail address")
    }
    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty else { throw IdentityError.invalid("a user needs a name") }
    return try pool.writeTransaction { connection in
      if try connection.queryOne("SELECT 1 FROM users WHERE email = ?", [email]) != nil {
        throw IdentityError.emailTaken(email)
      }
      let id = try connection.insert(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
        [email, name, passwordHash, time])
      return User(id: id, email: email, name: name, hasPassword: passwordHash != nil)
    }
  }

  /// A user by e-mail (case-insensitive), or nil.
  public func user(email: String) throws -> User? {
    // No stored address has a NUL (adding one is refused), and PostgreSQL cannot even be asked about one.
    guard !email.utf8.contains(0) else { return nil }
    return try pool.read { connection in
      try connection.queryOne(
        "SELECT id, email, name, password_hash FROM users WHERE email = ?", [Self.normalizedEmail(email)]
      ).map(Self.user(row:))
    }
  }

  /// Every user with their memberships (members of `workspaceID` only, when given), by e-mail, in one
  /// snapshot.
  public func usersWithMemberships(workspaceID: Int64? = nil) throws -> [(
    user: User, memberships: [Membership]
  )] {
    try pool.read { connection in
      let sql =
        workspaceID == nil
        ? "SELECT id, email, name, password_hash IS NOT NULL AS has_password FROM users ORDER BY email"
        : """
        SELECT u.id, u.email, u.name, u.password_hash IS NOT NULL AS has_password FROM users u
        JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ? ORDER BY u.email
        """
      let arguments: [any SQLBindable] = workspaceID.map { [$0] } ?? []
      return try connection.query(sql, arguments).map { row in
        guard let id = row.int64("id"), let email = row.string("email") else {
          throw StoreError.corruptRow(table: "users")
        }
        let user = User(
          id: id, email: email, name: row.string("name") ?? "", hasPassword: row.int64("has_password") == 1)
        return (user, try Self.memberships(userID: id, in: connection))
      }
    }
  }

  /// A user by id, or nil.
  public func user(id: Int64) throws -> User? {
    try pool.read { connection in
      try connection.queryOne("SELECT id, email, name, password_hash FROM users WHERE id = ?", [id])
        .map(Self.user(row:))
    }
  }

  /// Replaces a user's password hash; returns false when the user does not exist.
  @discardableResult
  public func setPasswordHash(userID: Int64, to passwordHash: String) throws -> Bool {
    try pool.writeTransaction { connection in
      return try connection.execute(
        "UPDATE users SET password_hash = ? WHERE id = ?", [passwordHash, userID]) == 1
    }
  }

  /// The stored hash and the user for an e-mail (sign-in only; never handed to callers outside the store).
  func credentials(email: String) throws -> (user: User, passwordHash: String?)? {
    try pool.read { connection in
      guard
        let row = try connection.queryOne(
          "SELECT id, email, name, password_hash FROM users WHERE email = ?", [Self.normalizedEmail(email)])
      else { return nil }
      return (try Self.user(row: row), row.string("password_hash"))
    }
  }

  static func user(row: Row) throws -> User {
    guard let id = row.int64("id"), let email = row.string("email") else {
      throw StoreError.corruptRow(table: "users")
    }
    return User(
      id: id, email: email, name: row.string("name") ?? email, hasPassword: row.string("password_hash") != nil
    )
  }
}
