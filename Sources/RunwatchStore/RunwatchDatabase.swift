import Foundation
import PostgresDB
import RunwatchCore
import SQLiteDB
import StorageEngine

/// The Runwatch database, on either engine: migrated, with stale deadlines in step with the policy in force.
public final class RunwatchDatabase: Sendable {
  /// The connection pool (SQLite: one writer, pooled readers; PostgreSQL: a bounded pool).
  public let pool: any Database
  /// Where the database lives.
  public let location: StorageLocation
  /// The SQLite pool itself, for the tools that need its own API (checkpoints); nil on PostgreSQL.
  public let sqlitePool: SQLiteDB.DatabasePool?
  /// The policy the stored deadlines were computed with.
  public let policy: LifecyclePolicy

  /// Runs `body` with every read it makes in one read transaction: the queries of one page see one state of
  /// the database (the counts and the list agree) and pay for one transaction, not one each. Only for code
  /// that reads: a write made inside would not be seen by the reads after it.
  public func snapshot<T>(_ body: () throws -> T) throws -> T {
    try pool.read { _ in try body() }
  }

  /// Opens the SQLite file at `path` (see `init(location:policy:)`).
  public convenience init(path: String, policy: LifecyclePolicy) throws {
    try self.init(location: .sqlite(path: path), policy: policy)
  }

  /// Opens the database at `location`, applies pending migrations and recomputes `stale_at` for active runs
  /// if the policy changed since the last open.
  public init(location: StorageLocation, policy: LifecyclePolicy, maximumConnections: Int = 16) throws {
    (self.pool, self.sqlitePool) = try Self.open(location, maximumConnections: maximumConnections)
    self.location = location
    self.policy = policy
    try pool.write { connection in
      try Self.migrator(for: connection).migrate(connection)
      try Self.syncStaleDeadlines(policy: policy, in: connection)
    }
  }

  /// Opens the existing database at `location` for reading only, for a dry run: no migration, no deadline
  /// recomputation, no write of any kind, so it works on a read-only SQLite file or directory. Throws
  /// `StoreError.invalid` when the database is missing or needs migrations first (a dry run cannot apply them).
  public init(readingOnly location: StorageLocation, policy: LifecyclePolicy) throws {
    switch location {
    case .sqlite(let path):
      guard FileManager.default.fileExists(atPath: path) else {
        throw StoreError.invalid("no database at \(path); run `runwatch migrate` first")
      }
      let sqlite = try SQLiteDB.DatabasePool(readingOnly: path)
      (self.pool, self.sqlitePool) = (SQLiteDatabase(pool: sqlite), sqlite)
    case .postgres:
      (self.pool, self.sqlitePool) = try Self.open(location, maximumConnections: 2)
    }
    self.location = location
    self.policy = policy
    let pending = try pool.read { connection in
      let migrations = connection.engineSQL.migrations.map(\.name)
      let hasTable = try connection.queryOne(connection.engineSQL.tableExists, ["schema_migrations"]) != nil
      let applied = hasTable ? Set(try Migrator.appliedMigrations(connection)) : []
      return migrations.filter { !applied.contains($0) }
    }
    if !pending.isEmpty {
      throw StoreError.invalid(
        "the database needs \(pending.count) migration(s) before a dry run can read it; run `runwatch migrate`"
      )
    }
  }

  private static func open(_ location: StorageLocation, maximumConnections: Int) throws -> (
    any Database, SQLiteDB.DatabasePool?
  ) {
    switch location {
    case .sqlite(let path):
      let sqlite = try SQLiteDB.DatabasePool(path: path)
      return (SQLiteDatabase(pool: sqlite), sqlite)
    case .postgres(let url):
      return (PostgresPool(url: url, maximumConnections: maximumConnections), nil)
    }
  }

  private static func migrator(for connection: any DatabaseConnection) -> Migrator {
    Migrator(migrations: connection.engineSQL.migrations, lockStatement: connection.engineSQL.migrationLock)
  }

  /// A small real write that needs room: one `runwatch_meta` row written with 64 KiB (so SQLite must find
  /// pages for it, as a run with its context would), then shrunk again, in one transaction. Readiness runs it
  /// while the last write failed, so the server notices by itself when the disk has room again; a one-byte
  /// write would fit in a page already there and report room that is not.
  public func probeWrite(at now: Date) throws {
    try pool.writeTransaction { connection in
      try connection.execute(connection.engineSQL.writeProbe, [Self.probeBytes])
      try connection.execute(
        "UPDATE runwatch_meta SET value = ? WHERE key = 'write_probe'",
        ["\(Int64(now.timeIntervalSince1970 * 1000))"])
    }
  }

  /// How much the readiness probe writes.
  static let probeBytes = 64 * 1024

  /// Whether `error` is a storage fault that may pass by itself (disk full, I/O error, lock not granted in
  /// time): callers answer 503 with `Retry-After` for it, not 500.
  public static func isTransientFault(_ error: any Error) -> Bool {
    (error as? any DatabaseFault)?.isTransient ?? false
  }

  /// Why writes fail now, when the last write failed with a transient fault and none has succeeded since.
  public var writeFailure: (reason: String, since: Date)? {
    guard let failure = pool.writeHealth.failure else { return nil }
    let reason = failure.isDiskFull ? "database or disk is full" : failure.message
    return (reason, failure.since)
  }

  /// Applies pending migrations to the database at `location` and returns the names applied now.
  public static func migrate(_ location: StorageLocation) throws -> [String] {
    switch location {
    case .sqlite(let path):
      let connection = try SQLiteDB.Connection(path: path)
      return try migrator(for: connection).migrate(connection)
    case .postgres(let url):
      let connection = try PostgresConnection(url: url)
      return try migrator(for: connection).migrate(connection)
    }
  }

  /// Recomputes every active run's `stale_at` when the policy fingerprint differs from the stored one.
  /// Only active runs are touched, so the cost follows the number of active runs, not the table size.
  static func syncStaleDeadlines(policy: LifecyclePolicy, in connection: any DatabaseConnection) throws {
    let fingerprint = policy.fingerprint
    let stored = try connection.queryOne("SELECT value FROM runwatch_meta WHERE key = 'policy_fingerprint'")
    if stored?.string("value") == fingerprint { return }
    let sql = connection.engineSQL
    try connection.transaction {
      let covered = policy.types.keys.sorted()
      for type in covered {
        guard let rules = policy.types[type] else { continue }
        // The same rule as `OperationRun.activeDeadline(policy:)`: a running run's deadline is the earlier of
        // its maximum runtime and, when the type has a heartbeat window, its heartbeat silence.
        let queued = Int64(rules.queuedStaleAfterSeconds) * 1000
        let running = Int64(rules.runningStaleAfterSeconds) * 1000
        let byRuntime = sql.adding(milliseconds: "?2", to: "COALESCE(started_at, created_at)")
        let bySilence = sql.adding(
          milliseconds: "?3", to: "COALESCE(last_heartbeat_at, started_at, created_at)")
        let runningDeadline =
          rules.heartbeatTimeoutSeconds == nil ? byRuntime : sql.least(byRuntime, bySilence)
        try connection.execute(
          """
          UPDATE operation_runs
          SET stale_at = CASE status WHEN 'queued' THEN \(sql.adding(milliseconds: "?1", to: "created_at"))
            ELSE \(runningDeadline) END
          WHERE status IN ('queued', 'running') AND type = ?4
          """,
          [queued, running, Int64(rules.heartbeatTimeoutSeconds ?? 0) * 1000, type])
      }
      let uncoveredFilter =
        covered.isEmpty ? "" : "AND type NOT IN (\(SQLCondition.parameterMarks(covered.count)))"
      try connection.execute(
        "UPDATE operation_runs SET stale_at = NULL WHERE status IN ('queued', 'running') \(uncoveredFilter)",
        covered)
      try connection.execute(
        """
        INSERT INTO runwatch_meta (key, value) VALUES ('policy_fingerprint', ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """, [fingerprint])
    }
  }
}
