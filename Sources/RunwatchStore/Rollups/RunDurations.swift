import Foundation
import RunwatchCore
import StorageEngine

/// How long finished runs took, kept as a histogram per UTC hour of their finish and per (workspace, tenant,
/// type) in `run_durations`, so the insights page reads p50 / p95 without touching the runs. Only runs their
/// worker finished count (a reconciled run's "duration" is how long it took to notice the worker was gone,
/// and a run cancelled before it started has none).
public enum RunDurations {
  /// Upper bounds (exclusive, milliseconds) of the histogram's buckets; one more bucket holds everything
  /// longer. Spaced roughly ×2–×3, so a percentile read from them is within a bucket's width.
  public static let upperBounds: [Int64] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
    3_600_000, 7_200_000, 14_400_000, 43_200_000, 86_400_000,
  ]

  /// The bucket index holding a duration of `milliseconds`.
  public static func bucket(milliseconds: Int64) -> Int {
    upperBounds.firstIndex { milliseconds < $0 } ?? upperBounds.count
  }

  /// The `quantile` (0…1) of the durations counted in `counts` (bucket index → runs), in seconds, read from
  /// the histogram by linear interpolation inside the bucket that holds it (as Prometheus's
  /// `histogram_quantile` does). Nil without runs. In the open last bucket it is that bucket's lower bound.
  public static func quantile(_ quantile: Double, of counts: [Int: Int64]) -> Double? {
    let total = counts.values.reduce(0, +)
    guard total > 0 else { return nil }
    let rank = quantile * Double(total)
    var seen: Int64 = 0
    for index in 0...upperBounds.count {
      let inBucket = counts[index] ?? 0
      guard inBucket > 0 else { continue }
      let lower = index == 0 ? 0 : Double(upperBounds[index - 1])
      if Double(seen + inBucket) >= rank {
        guard index < upperBounds.count else { return lower / 1_000 }
        let upper = Double(upperBounds[index])
        let fraction = max(0, min(1, (rank - Double(seen)) / Double(inBucket)))
        return (lower + (upper - lower) * fraction) / 1_000
      }
      seen += inBucket
    }
    return Double(upperBounds.last!) / 1_000
  }

  /// The duration a finished run counts with, or nil when it does not count (see the type's comment).
  static func countedMilliseconds(of run: OperationRun, finishedAt: Date) -> Int64? {
    guard run.reconciliation == nil, run.outcome != .cancelled, let started = run.startedAt else {
      return nil
    }
    return max(0, finishedAt.epochMilliseconds - started.epochMilliseconds)
  }

  /// Recomputes `run_durations` from `operation_runs` (a full scan: migrations and bulk loads only).
  static func rebuildScript(for sql: any EngineSQL) -> String {
    let duration = sql.milliseconds(from: "started_at", to: "completed_at")
    let buckets = upperBounds.enumerated().map { index, bound in "WHEN \(duration) < \(bound) THEN \(index)" }
    return """
      DELETE FROM run_durations;
      INSERT INTO run_durations (workspace_id, hour, tenant_id, type, bucket, runs)
        SELECT workspace_id, \(sql.hourStart("completed_at")), COALESCE(tenant_id, 0), type,
          CASE \(buckets.joined(separator: " ")) ELSE \(upperBounds.count) END, COUNT(*)
        FROM operation_runs
        WHERE status = 'completed' AND reconciliation_reason IS NULL AND outcome <> 'cancelled'
          AND started_at IS NOT NULL AND completed_at IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5;
      """
  }

  /// Adds each bucket's count in one statement.
  static func add(
    _ counts: [(key: RunRollupTally.DurationKey, value: Int64)], daily: Bool = false,
    in connection: any DatabaseConnection
  ) throws {
    let (table, time) = daily ? ("run_durations_daily", "day") : ("run_durations", "hour")
    try RunRollups.addCounts(
      into: table, keys: ["workspace_id", time, "tenant_id", "type", "bucket"],
      rows: counts.map { key, runs in
        [key.workspaceID, key.hour, key.tenantID, key.type, Int64(key.bucket), runs]
      }, in: connection)
  }
}
