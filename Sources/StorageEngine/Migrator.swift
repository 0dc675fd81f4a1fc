import Foundation

/// One named, append-only schema migration.
public struct Migration: Sendable {
  /// Unique, stable name (recorded in `schema_migrations`); never rename or reorder.
  public let name: String
  /// SQL applied once, inside a transaction.
  public let sql: String

  /// Creates a migration.
  public init(_ name: String, sql: String) {
    self.name = name
    self.sql = sql
  }
}

/// Applies migrations in order, recording each by name so re-running is a no-op.
///
/// Everything pending is applied in one transaction, so a database is never left half-migrated. Several
/// processes may migrate one database at once (instances starting together): `lockStatement`, run first in
/// that transaction, makes them take turns (PostgreSQL: a transaction-scoped advisory lock; SQLite's write
/// transaction already serialises them), and each re-reads what is applied once it holds the lock.
public struct Migrator: Sendable {
  /// The ordered migrations.
  public let migrations: [Migration]
  /// A statement that makes concurrent migrators take turns, run first in the migration transaction.
  public let lockStatement: String?

  /// Creates a migrator.
  public init(migrations: [Migration], lockStatement: String? = nil) {
    self.migrations = migrations
    self.lockStatement = lockStatement
  }

  /// Applies every migration not yet recorded. Returns the names applied now.
  @discardableResult
  public func migrate(_ connection: any DatabaseConnection, at now: Date = Date()) throws -> [String] {
    try connection.transaction {
      if let lockStatement { try connection.execute(lockStatement) }
      try connection.executeScript(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
          name TEXT PRIMARY KEY NOT NULL,
          applied_at TEXT NOT NULL
        )
        """)
      let applied = Set(try Self.appliedMigrations(connection))
      let appliedAt = ISO8601DateFormatter().string(from: now)
      var appliedNow: [String] = []
      for migration in migrations where !applied.contains(migration.name) {
        try connection.executeScript(migration.sql)
        try connection.execute(
          "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", [migration.name, appliedAt])
        appliedNow.append(migration.name)
      }
      return appliedNow
    }
  }

  /// Names of migrations recorded in the database, in application order (names start with their date).
  public static func appliedMigrations(_ connection: any DatabaseConnection) throws -> [String] {
    try connection.query("SELECT name FROM schema_migrations ORDER BY name").compactMap { $0.string("name") }
  }
}
