import Foundation
import RunwatchCore
import StorageEngine

extension RunwatchDatabase {
  /// Recomputes the rollups from the stored runs, for tools that insert finished runs directly (the demo's
  /// bulk history, benchmarks) instead of through the lifecycle service. A full scan: never on a request path.
  public func rebuildRollups() throws {
    try pool.writeTransaction { connection in try RunRollups.rebuild(in: connection) }
  }
}

/// Keeps `run_rollups`, `run_totals` (see `SQLiteSchema.rollups`) and `run_durations` (see `RunDurations`) in
/// step with terminal writes.
enum RunRollups {
  /// Milliseconds in one rollup bucket.
  static let bucketMilliseconds: Int64 = 3_600_000

  /// Counts `run`, which has just reached terminal truth at `finishedAt`, inside the caller's transaction.
  static func record(_ run: OperationRun, finishedAt: Date, in connection: any DatabaseConnection) throws {
    var tally = RunRollupTally()
    tally.add(run, finishedAt: finishedAt)
    try tally.write(in: connection)
  }

  /// Milliseconds in one daily bucket (`run_rollups_daily`, `run_durations_daily`).
  static let dayMilliseconds: Int64 = 86_400_000

  /// Adds each bucket's count in one statement (one round trip on PostgreSQL, however many buckets), to the
  /// hourly table, or to the daily one with each key's hour replaced by its day.
  static func add(
    _ counts: [(key: RunRollupTally.Key, value: Int64)], daily: Bool = false,
    in connection: any DatabaseConnection
  ) throws {
    let (table, time) = daily ? ("run_rollups_daily", "day") : ("run_rollups", "hour")
    try addCounts(
      into: table, keys: ["workspace_id", time, "tenant_id", "type", "outcome", "reason"],
      rows: counts.map { key, runs in
        [key.workspaceID, key.hour, key.tenantID, key.type, key.outcome, key.reason, runs]
      }, in: connection)
  }

  /// Adds each row's last value (`runs`) to the row of `table` with the same `keys`, or inserts it: one
  /// upsert for every maintained count table (rollups and durations, hourly and daily).
  static func addCounts(
    into table: String, keys: [String], rows: [[any SQLBindable]], in connection: any DatabaseConnection
  ) throws {
    try connection.insertRows(
      into: table, columns: keys + ["runs"], rows: rows,
      suffix: """
         ON CONFLICT (\(keys.joined(separator: ", ")))
        DO UPDATE SET runs = \(table).runs + excluded.runs
        """)
  }

  /// The start of the UTC day holding `date`.
  static func dayStart(containing date: Date) -> Date {
    let milliseconds = date.epochMilliseconds
    let day = dayMilliseconds
    return Date(
      epochMilliseconds: (milliseconds >= 0 ? milliseconds / day : (milliseconds - day + 1) / day) * day)
  }

  /// Recomputes the daily tables from the hourly ones (after a rebuild, and when the daily tables are added).
  static func rebuildDailyScript(for sql: any EngineSQL) -> String {
    """
    DELETE FROM run_rollups_daily;
    INSERT INTO run_rollups_daily (workspace_id, day, tenant_id, type, outcome, reason, runs)
      SELECT workspace_id, \(sql.dayStart("hour")), tenant_id, type, outcome, reason, SUM(runs)
      FROM run_rollups GROUP BY 1, 2, 3, 4, 5, 6;
    DELETE FROM run_durations_daily;
    INSERT INTO run_durations_daily (workspace_id, day, tenant_id, type, bucket, runs)
      SELECT workspace_id, \(sql.dayStart("hour")), tenant_id, type, bucket, SUM(runs)
      FROM run_durations GROUP BY 1, 2, 3, 4, 5;
    """
  }

  static func addCompleted(_ runs: Int64, in connection: any DatabaseConnection) throws {
    try connection.execute(
      """
      INSERT INTO run_totals (name, value) VALUES ('completed', ?)
      ON CONFLICT (name) DO UPDATE SET value = run_totals.value + excluded.value
      """, [runs])
  }

  /// Recomputes the rollups, totals and durations from the runs (after a bulk load that wrote rows directly).
  static func rebuild(in connection: any DatabaseConnection) throws {
    try connection.executeScript(rebuildScript(for: connection.engineSQL))
    try connection.executeScript(RunDurations.rebuildScript(for: connection.engineSQL))
    try connection.executeScript(rebuildDailyScript(for: connection.engineSQL))
  }

  /// Recomputes both tables from `operation_runs` (a full scan: migrations and bulk loads only).
  static func rebuildScript(for sql: any EngineSQL) -> String {
    """
    DELETE FROM run_rollups;
    DELETE FROM run_totals;
    INSERT INTO run_rollups (workspace_id, hour, tenant_id, type, outcome, reason, runs)
      SELECT workspace_id, \(sql.hourStart("COALESCE(reconciled_at, completed_at, created_at)")),
        COALESCE(tenant_id, 0), type, outcome, COALESCE(reconciliation_reason, ''), COUNT(*)
      FROM operation_runs WHERE status = 'completed' GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO run_totals (name, value)
      SELECT 'completed', COUNT(*) FROM operation_runs WHERE status = 'completed';
    """
  }

  /// The start of the rollup bucket (UTC hour) holding `date`.
  static func hourStart(containing date: Date) -> Date {
    let milliseconds = date.epochMilliseconds
    let bucket = bucketMilliseconds
    let start = (milliseconds >= 0 ? milliseconds / bucket : (milliseconds - bucket + 1) / bucket) * bucket
    return Date(epochMilliseconds: start)
  }
}

/// Rollup counts gathered over one write transaction and written at its end, one upsert per bucket: a
/// reconciler transaction of 50 runs of a few tenants and types writes a few rows instead of 100. Write it in
/// the same transaction as the runs it counts, so a rollback drops both.
struct RunRollupTally {
  /// A key with an hour that the daily tables replace with its day.
  protocol TimeBucketed: Hashable {
    var hour: Date { get set }
  }

  /// One `run_rollups` row's key.
  struct Key: TimeBucketed, Comparable {
    var workspaceID: Int64
    var hour: Date
    var tenantID: Int64
    var type: String
    var outcome: String
    var reason: String

    static func < (left: Key, right: Key) -> Bool {
      (left.workspaceID, left.hour, left.tenantID, left.type, left.outcome, left.reason)
        < (right.workspaceID, right.hour, right.tenantID, right.type, right.outcome, right.reason)
    }
  }

  /// One `run_durations` row's key.
  struct DurationKey: TimeBucketed, Comparable {
    var workspaceID: Int64
    var hour: Date
    var tenantID: Int64
    var type: String
    var bucket: Int

    static func < (left: DurationKey, right: DurationKey) -> Bool {
      (left.workspaceID, left.hour, left.tenantID, left.type, left.bucket)
        < (right.workspaceID, right.hour, right.tenantID, right.type, right.bucket)
    }
  }

  private(set) var counts: [Key: Int64] = [:]

  private(set) var durations: [DurationKey: Int64] = [:]
  private(set) var total: Int64 = 0

  /// Counts `run`, which reaches terminal truth at `finishedAt`.
  mutating func add(_ run: OperationRun, finishedAt: Date) {
    let key = Key(
      workspaceID: run.workspaceID, hour: RunRollups.hourStart(containing: finishedAt),
      tenantID: run.tenantID ?? 0,
      type: run.type, outcome: run.outcome.rawValue, reason: run.reconciliation?.reason.rawValue ?? "")
    counts[key, default: 0] += 1
    total += 1
    if let milliseconds = RunDurations.countedMilliseconds(of: run, finishedAt: finishedAt) {
      let durationKey = DurationKey(
        workspaceID: key.workspaceID, hour: key.hour, tenantID: key.tenantID, type: key.type,
        bucket: RunDurations.bucket(milliseconds: milliseconds))
      durations[durationKey, default: 0] += 1
    }
  }

  /// The counts keyed by day instead of hour (for the daily tables).
  private static func byDay<K: TimeBucketed>(_ counts: [K: Int64]) -> [K: Int64] {
    var daily: [K: Int64] = [:]
    for (key, runs) in counts { daily[key.movedToDay, default: 0] += runs }
    return daily
  }

  /// Adds the counts to the stored rollups and totals, and empties the tally. Rows are written in key order:
  /// concurrent transactions (several instances on PostgreSQL) then lock the rows they share in one order,
  /// so they queue instead of deadlocking.
  mutating func write(in connection: any DatabaseConnection) throws {
    guard total > 0 else { return }
    try RunRollups.add(counts.sorted(by: { $0.key < $1.key }), in: connection)
    try RunRollups.add(Self.byDay(counts).sorted(by: { $0.key < $1.key }), daily: true, in: connection)
    if !durations.isEmpty {
      try RunDurations.add(durations.sorted(by: { $0.key < $1.key }), in: connection)
      try RunDurations.add(Self.byDay(durations).sorted(by: { $0.key < $1.key }), daily: true, in: connection)
    }
    try RunRollups.addCompleted(total, in: connection)
    counts = [:]
    durations = [:]
    total = 0
  }
}

extension RunRollupTally.TimeBucketed {
  /// The same key with its hour replaced by the start of its UTC day.
  var movedToDay: Self {
    var copy = self
    copy.hour = RunRollups.dayStart(containing: hour)
    return copy
  }
}
