import Foundation
import RunwatchCore
import StorageEngine

/// What the insights page shows for one operation type over a range: how its runs finished, bucket by bucket,
/// how long they took, and how many are likely stale now.
public struct TypeInsights: Sendable, Equatable {
  /// How runs of one bucket (or of the whole range) finished. The four parts add up to `finished`.
  public struct Finished: Sendable, Equatable {
    /// Outcome `succeeded`.
    public var succeeded: Int64 = 0
    /// Outcome `failed`, reported by the worker (not reconciled).
    public var failed: Int64 = 0
    /// Failed by reconciliation (freshness `reconciled_failed`): Runwatch, the queue or an operator closed it.
    public var reconciled: Int64 = 0
    /// Everything else: partially succeeded, blocked, cancelled, or completed by a linked record.
    public var other: Int64 = 0

    /// Creates empty counts.
    public init() {}

    /// Every finished run.
    public var finished: Int64 { succeeded + failed + reconciled + other }

    mutating func add(outcome: String, reason: String, runs: Int64) {
      switch (outcome, reason.isEmpty) {
      case ("failed", false): reconciled += runs
      case ("failed", true): failed += runs
      case ("succeeded", _): succeeded += runs
      default: other += runs
      }
    }
  }

  /// The operation type.
  public var type: String
  /// The whole range.
  public var total = Finished()
  /// One entry per bucket of the range, oldest first.
  public var series: [Finished]
  /// Reconciliations (any outcome) by reason code.
  public var reasons: [String: Int64] = [:]
  /// Durations of runs their worker finished: bucket index of `RunDurations.upperBounds` → runs.
  public var durations: [Int: Int64] = [:]
  /// Active runs of the type that are likely stale now.
  public var staleNow: Int64 = 0

  /// Creates empty insights with `buckets` empty buckets.
  public init(type: String, buckets: Int) {
    self.type = type
    self.series = Array(repeating: Finished(), count: buckets)
  }

  /// Median duration in seconds, from the histogram (nil without timed runs).
  public var p50Seconds: Double? { RunDurations.quantile(0.5, of: durations) }
  /// 95th percentile duration in seconds.
  public var p95Seconds: Double? { RunDurations.quantile(0.95, of: durations) }
}

/// The range and buckets of an insights query.
public struct InsightsRange: Sendable, Equatable {
  /// Start of the first bucket (a UTC hour or day boundary).
  public var since: Date
  /// Length of one bucket in seconds (3,600 or 86,400).
  public var bucketSeconds: Int64
  /// Number of buckets; the last one holds `now`.
  public var buckets: Int

  /// The range of `buckets` buckets of `bucketSeconds` whose last one holds `now` (UTC-aligned).
  public init(endingAt now: Date, bucketSeconds: Int64, buckets: Int) {
    let bucket = bucketSeconds * 1_000
    let milliseconds = now.epochMilliseconds
    let current = (milliseconds >= 0 ? milliseconds / bucket : (milliseconds - bucket + 1) / bucket) * bucket
    self.since = Date(epochMilliseconds: current - Int64(buckets - 1) * bucket)
    self.bucketSeconds = bucketSeconds
    self.buckets = buckets
  }

  /// The bucket holding `hour`, or nil outside the range.
  func index(of hour: Date) -> Int? {
    let offset = hour.epochMilliseconds - since.epochMilliseconds
    guard offset >= 0 else { return nil }
    let index = Int(offset / (bucketSeconds * 1_000))
    return index < buckets ? index : nil
  }

  /// Start of bucket `index`.
  public func start(ofBucket index: Int) -> Date {
    Date(epochMilliseconds: since.epochMilliseconds + Int64(index) * bucketSeconds * 1_000)
  }
}

extension RunwatchDatabase {
  /// Insights per operation type for `scope` (optionally one tenant) over `range`, read from the maintained
  /// rollups (`run_rollups`, `run_durations`) and the active runs' index: three grouped reads whose cost
  /// grows with the range's hours, tenants and types, never with the number of runs. Types are those of
  /// `types` (the policy's, in the caller's order) followed by any other type with data, sorted.
  public func insights(
    scope: RunScope, tenantID: Int64?, range: InsightsRange, types: [String], now: Date
  ) throws -> [TypeInsights] {
    // Daily bars read the daily tables: a 30-day page reads 30 days of rows, not 720 hours of them.
    let daily = range.bucketSeconds % 86_400 == 0
    let (counts, durations, time) =
      daily ? ("run_rollups_daily", "run_durations_daily", "day") : ("run_rollups", "run_durations", "hour")
    var rollups = SQLCondition()
    rollups.add("workspace_id = ? AND \(time) >= ?", [scope.workspaceID, range.since])
    scope.applyToRollups(&rollups)
    if let tenantID { rollups.add("tenant_id = ?", [tenantID]) }
    var active = SQLCondition()
    active.add("\(RunFilter.activeStatuses) AND stale_at <= ?", [now])
    scope.apply(to: &active)
    if let tenantID { active.add("tenant_id = ?", [tenantID]) }

    return try pool.read { connection in
      // Entries are changed in place (`byType[type, default:]`): copying one out and back per row would copy
      // its series too, which cost more than the queries on a 30-day range.
      var byType: [String: TypeInsights] = [:]
      let empty = TypeInsights(type: "", buckets: range.buckets)
      func insights(_ type: String) -> TypeInsights {
        byType[type] ?? TypeInsights(type: type, buckets: range.buckets)
      }
      for row in try connection.query(
        """
        SELECT \(time), type, outcome, reason, SUM(runs) FROM \(counts) \(rollups.whereClause)
        GROUP BY \(time), type, outcome, reason
        """, rollups.arguments)
      {
        guard let hour = row.date(at: 0), let type = row.string(at: 1), let outcome = row.string(at: 2),
          let reason = row.string(at: 3), let runs = row.int64(at: 4), let index = range.index(of: hour)
        else { continue }
        if byType[type] == nil { byType[type] = insights(type) }
        byType[type, default: empty].total.add(outcome: outcome, reason: reason, runs: runs)
        byType[type, default: empty].series[index].add(outcome: outcome, reason: reason, runs: runs)
        if !reason.isEmpty { byType[type, default: empty].reasons[reason, default: 0] += runs }
      }
      for row in try connection.query(
        "SELECT type, bucket, SUM(runs) FROM \(durations) \(rollups.whereClause) GROUP BY type, bucket",
        rollups.arguments)
      {
        guard let type = row.string(at: 0), let bucket = row.int64(at: 1), let runs = row.int64(at: 2) else {
          continue
        }
        if byType[type] == nil { byType[type] = insights(type) }
        byType[type, default: empty].durations[Int(bucket), default: 0] += runs
      }
      for row in try connection.query(
        """
        SELECT type, COUNT(*) FROM operation_runs \(connection.engineSQL.indexHint("runs_active_covering"))
        \(active.whereClause) GROUP BY type
        """, active.arguments)
      {
        guard let type = row.string(at: 0), let count = row.int64(at: 1) else { continue }
        if byType[type] == nil { byType[type] = insights(type) }
        byType[type, default: empty].staleNow = count
      }
      let hidden = Set(scope.hiddenTypes)
      let listed = types.filter { !hidden.contains($0) }
      let others = byType.keys.filter { !listed.contains($0) }.sorted()
      return (listed + others).map { insights($0) }
    }
  }
}
