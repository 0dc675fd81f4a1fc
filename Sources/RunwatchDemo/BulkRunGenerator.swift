import Foundation
import RunwatchCore
import RunwatchStore
import StorageEngine

/// What a bulk insert did.
public struct BulkInsertReport: Sendable, Equatable {
  /// Runs inserted.
  public var inserted: Int
  /// Of those, runs left queued or running.
  public var active: Int
  /// Wall time it took.
  public var duration: Duration
}

/// Inserts large numbers of plausible runs straight into `operation_runs` for scale checks: 500 rows per
/// statement (`insertRows`), one transaction per `batchSize` rows, no audit events or notifications (the
/// rich set has those). Rows satisfy every constraint of the table, and active rows get the `stale_at` the
/// lifecycle service would have written (`OperationRun.staleDeadline`), so the freshness filters and the
/// reconciler treat them exactly like real ones.
public struct BulkRunGenerator: Sendable {
  /// The database written to.
  public let database: RunwatchDatabase
  /// Rows per transaction.
  public let batchSize: Int

  /// Creates a generator writing `batchSize` rows per transaction.
  public init(database: RunwatchDatabase, batchSize: Int = 10_000) {
    self.database = database
    self.batchSize = max(1, batchSize)
  }

  /// Inserts `count` finished runs created between `start` and `end`, in time order (ids grow with time as in a
  /// real database). About 2.5 % were reconciled, the rest finished by their workers, mostly successfully.
  public func insertHistory(count: Int, from start: Date, to end: Date, seed: UInt64) throws
    -> BulkInsertReport
  {
    let began = ContinuousClock.now
    var rows = try BulkRowFactory(database: database, seed: seed)
    let span = max(1, end.timeIntervalSince(start))
    try insert(count: count) { index in
      let created = start.addingTimeInterval(span * (Double(index) + rows.rng.unit()) / Double(max(count, 1)))
      return rows.finishedRow(createdAt: created)
    }
    return BulkInsertReport(inserted: count, active: 0, duration: ContinuousClock.now - began)
  }

  /// Inserts `count` runs still queued or running at `now`, in creation order: most inside their policy window,
  /// about one in ten just past it (likely stale), as in a busy system whose reconciler is about to run.
  public func insertActive(count: Int, now: Date, seed: UInt64) throws -> BulkInsertReport {
    let began = ContinuousClock.now
    var rows = try BulkRowFactory(database: database, seed: seed)
    let specs = (0..<count).map { _ in rows.activeSpec(now: now) }.sorted { $0.createdAt < $1.createdAt }
    try insert(count: count) { index in rows.activeRow(specs[index], now: now) }
    return BulkInsertReport(inserted: count, active: count, duration: ContinuousClock.now - began)
  }

  private func insert(count: Int, row: (Int) -> [any SQLBindable]) throws {
    guard count > 0 else { return }
    let columns = [
      "workspace_id", "tenant_id", "initiator_user_id", "type", "status", "outcome", "summary_counts",
      "failure_summary", "context", "created_at", "started_at", "last_heartbeat_at", "completed_at",
      "stale_at",
      "reconciliation_reason", "reconciliation_source", "reconciliation_evidence", "reconciled_at",
    ]
    try database.pool.write { connection in
      var index = 0
      while index < count {
        let batchEnd = min(count, index + batchSize)
        let rows = (index..<batchEnd).map(row)
        try connection.transaction {
          try connection.insertRows(into: "operation_runs", columns: columns, rows: rows)
        }
        index = batchEnd
      }
    }
  }
}
