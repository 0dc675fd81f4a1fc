import Foundation
import RunwatchCore
import SQLiteDB

/// The Runwatch database file: migrated, with stale deadlines in step with the policy in force.
public final class RunwatchDatabase: Sendable {
  /// The connection pool (one writer, pooled readers).
  public let pool: DatabasePool
  /// The policy the stored deadlines were computed with.
  public let policy: LifecyclePolicy

  /// Runs `body` with every read it makes in one read transaction: the queries of one page see one state of
  /// the database (the counts and the list agree) and pay for one transaction, not one each. Only for code
  /// that reads: a write made inside would not be seen by the reads after it.
  public func snapshot<T>(_ body: () throws -> T) throws -> T {
    try pool.read { _ in try body() }
  }

  /// Opens `path`, applies pending migrations and recomputes `stale_at` for active runs if the policy changed
  /// since the last open.
  public init(path: String, policy: LifecyclePolicy) throws {
    self.pool = try DatabasePool(path: path)
    self.policy = policy
    try pool.write { connection in
      try Migrator(migrations: Schema.migrations).migrate(connection)
      try Self.syncStaleDeadlines(policy: policy, in: connection)
    }
  }

  /// Opens the existing database at `path` for reading only, for a dry run: no migration, no deadline
  /// recomputation, no write of any kind, so it works on a read-only file or directory. Throws
  /// `StoreError.invalid` when the file is missing or needs migrations first (a dry run cannot apply them).
  public init(readingOnly path: String, policy: LifecyclePolicy) throws {
    guard FileManager.default.fileExists(atPath: path) else {
      throw StoreError.invalid("no database at \(path); run `runwatch migrate` first")
    }
    self.pool = try DatabasePool(readingOnly: path)
    self.policy = policy
    let applied = try pool.read { connection in
      let hasTable = try connection.queryOne(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      return hasTable == nil ? [] : try Migrator.appliedMigrations(connection)
    }
    let pending = Schema.migrations.map(\.name).filter { !applied.contains($0) }
    if !pending.isEmpty {
      throw StoreError.invalid(
        "the database needs \(pending.count) migration(s) before a dry run can read it; run `runwatch migrate`"
      )
    }
  }

  /// A small real write that needs room: one `runwatch_meta` row written with 64 KiB (so SQLite must find
  /// pages for it, as a run with its context would), then shrunk again, in one transaction. Readiness runs it
  /// while the last write failed, so the server notices by itself when the disk has room again; a one-byte
  /// write would fit in a page already there and report room that is not.
  public func probeWrite(at now: Date) throws {
    try pool.writeTransaction { connection in
      try connection.execute(
        "INSERT OR REPLACE INTO runwatch_meta (key, value) VALUES ('write_probe', zeroblob(?))",
        [Self.probeBytes])
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
    (error as? SQLiteError)?.isTransient ?? false
  }

  /// Why writes fail now, when the last write failed with a transient fault and none has succeeded since.
  public var writeFailure: (reason: String, since: Date)? {
    guard let failure = pool.writeHealth.failure else { return nil }
    let reason = failure.isDiskFull ? "database or disk is full" : failure.message
    return (reason, failure.since)
  }

  /// Applies pending migrations to `path` and returns the names applied now.
  public static func migrate(path: String) throws -> [String] {
    let connection = try Connection(path: path)
    return try Migrator(migrations: Schema.migrations).migrate(connection)
  }

  /// Recomputes every active run's `stale_at` when the policy fingerprint differs from the stored one.
  /// Only active runs are touched, so the cost follows the number of active runs, not the table size.
  static func syncStaleDeadlines(policy: LifecyclePolicy, in connection: Connection) throws {
    let fingerprint = policy.fingerprint
    let stored = try connection.queryOne("SELECT value FROM runwatch_meta WHERE key = 'policy_fingerprint'")
    if stored?.string("value") == fingerprint { return }
    try connection.transaction(.immediate) {
      let covered = policy.types.keys.sorted()
      for type in covered {
        guard let rules = policy.types[type] else { continue }
        // The same rule as `OperationRun.activeDeadline(policy:)`: a running run's deadline is the earlier of
        // its maximum runtime and, when the type has a heartbeat window, its heartbeat silence.
        let queued = Int64(rules.queuedStaleAfterSeconds) * 1000
        let running = Int64(rules.runningStaleAfterSeconds) * 1000
        let runningDeadline =
          rules.heartbeatTimeoutSeconds == nil
          ? "COALESCE(started_at, created_at) + ?2"
          : "MIN(COALESCE(started_at, created_at) + ?2, COALESCE(last_heartbeat_at, started_at, created_at) + ?3)"
        try connection.execute(
          """
          UPDATE operation_runs
          SET stale_at = CASE status WHEN 'queued' THEN created_at + ?1 ELSE \(runningDeadline) END
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
        "INSERT OR REPLACE INTO runwatch_meta (key, value) VALUES ('policy_fingerprint', ?)", [fingerprint])
    }
  }
}
