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
public struct Migrator: Sendable {
  /// The ordered migrations.
  public let migrations: [Migration]

  /// Creates a migrator.
  public init(migrations: [Migration]) { self.migrations = migrations }

  /// Applies every migration not yet recorded. Returns the names applied now.
  @discardableResult
  public func migrate(_ connection: Connection) throws -> [String] {
    try connection.execute(
      """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        name TEXT PRIMARY KEY NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
      )
      """)
    let applied = Set(
      try connection.query("SELECT name FROM schema_migrations").compactMap { $0.string("name") })
    var appliedNow: [String] = []
    for migration in migrations where !applied.contains(migration.name) {
      try connection.transaction(.immediate) {
        try connection.execute(migration.sql)
        try connection.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
      }
      appliedNow.append(migration.name)
    }
    return appliedNow
  }

  /// Names of migrations recorded in the database, in application order.
  public static func appliedMigrations(_ connection: Connection) throws -> [String] {
    try connection.query("SELECT name FROM schema_migrations ORDER BY rowid").compactMap { $0.string("name") }
  }
}
