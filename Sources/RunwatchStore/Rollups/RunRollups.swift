import Foundation
import RunwatchCore
import SQLiteDB

extension RunwatchDatabase {
  /// Recomputes the rollups from the stored runs, for tools that insert finished runs directly (the demo's
  /// bulk history, benchmarks) instead of through the lifecycle service. A full scan: never on a request path.
  public func rebuildRollups() throws {
    try pool.writeTransaction { connection in try RunRollups.rebuild(in: connection) }
  }
}

/// Keeps `run_rollups` and `run_totals` (see `Schema.rollups`) in step with terminal writes.
enum RunRollups {
  /// Counts `run`, which has just reached terminal truth at `finishedAt`, inside the caller's transaction.
  static func record(_ run: OperationRun, finishedAt: Date, in connection: Connection) throws {
    var tally = RunRollupTally()
    tally.add(run, finishedAt: finishedAt)
    try tally.write(in: connection)
  }

  static func add(_ runs: Int64, to key: RunRollupTally.Key, in connection: Connection) throws {
    try connection.execute(
      """
      INSERT INTO run_rollups (workspace_id, hour, tenant_id, type, outcome, reason, runs)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (workspace_id, hour, tenant_id, type, outcome, reason) DO UPDATE SET runs = runs + excluded.runs
      """, [key.workspaceID, key.hour, key.tenantID, key.type, key.outcome, key.reason, runs])
  }

  static func addCompleted(_ runs: Int64, in connection: Connection) throws {
    try connection.execute(
      """
      INSERT INTO run_totals (name, value) VALUES ('completed', ?)
      ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
      """, [runs])
  }

  /// Recomputes both tables from the runs (after a bulk load that wrote rows directly).
  static func rebuild(in connection: Connection) throws {
    try connection.execute(RunRollupsSQL.rebuild)
  }

  /// The start of the rollup bucket holding `date`, in stored milliseconds.
  static func hour(containing date: Date) -> Int64 {
    guard case .integer(let milliseconds) = date.sqlValue else { return 0 }
    let bucket = RunRollupsSQL.bucketMilliseconds
    return (milliseconds >= 0 ? milliseconds / bucket : (milliseconds - bucket + 1) / bucket) * bucket
  }

  /// The start of the bucket holding `date`, as a date.
  static func hourStart(containing date: Date) -> Date {
    Date(timeIntervalSince1970: TimeInterval(hour(containing: date)) / 1000)
  }
}

/// Rollup counts gathered over one write transaction and written at its end, one upsert per bucket: a
/// reconciler transaction of 50 runs of a few tenants and types writes a few rows instead of 100. Write it in
/// the same transaction as the runs it counts, so a rollback drops both.
struct RunRollupTally {
  /// One `run_rollups` row's key.
  struct Key: Hashable {
    var workspaceID: Int64
    var hour: Int64
    var tenantID: Int64
    var type: String
    var outcome: String
    var reason: String
  }

  private(set) var counts: [Key: Int64] = [:]
  private(set) var total: Int64 = 0

  /// Counts `run`, which reaches terminal truth at `finishedAt`.
  mutating func add(_ run: OperationRun, finishedAt: Date) {
    let key = Key(
      workspaceID: run.workspaceID, hour: RunRollups.hour(containing: finishedAt),
      tenantID: run.tenantID ?? 0,
      type: run.type, outcome: run.outcome.rawValue, reason: run.reconciliation?.reason.rawValue ?? "")
    counts[key, default: 0] += 1
    total += 1
  }

  /// Adds the counts to the stored rollups and totals, and empties the tally.
  mutating func write(in connection: Connection) throws {
    guard total > 0 else { return }
    for (key, runs) in counts { try RunRollups.add(runs, to: key, in: connection) }
    try RunRollups.addCompleted(total, in: connection)
    counts = [:]
    total = 0
  }
}
