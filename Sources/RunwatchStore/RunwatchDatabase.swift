import Foundation
import RunwatchCore
import SQLiteDB

/// The Runwatch database file: migrated, with stale deadlines in step with the policy in force.
public final class RunwatchDatabase: Sendable {
  /// The connection pool (one writer, pooled readers).
  public let pool: DatabasePool
  /// The policy the stored deadlines were computed with.
  public let policy: LifecyclePolicy

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
