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
    try connection.execute(
      """
      INSERT INTO run_rollups (workspace_id, hour, tenant_id, type, outcome, reason, runs)
      VALUES (?, ?, ?, ?, ?, ?, 1)
      ON CONFLICT (workspace_id, hour, tenant_id, type, outcome, reason) DO UPDATE SET runs = runs + 1
      """,
      [
        run.workspaceID, hour(containing: finishedAt), run.tenantID ?? 0, run.type, run.outcome.rawValue,
        run.reconciliation?.reason.rawValue ?? "",
      ])
    try connection.execute(
      """
      INSERT INTO run_totals (name, value) VALUES ('completed', 1)
      ON CONFLICT (name) DO UPDATE SET value = value + 1
      """, [])
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
