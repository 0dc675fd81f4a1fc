import Foundation
import Prometheus
import RunwatchCore
import RunwatchStore

/// Run totals for `/metrics`, from counts that stay cheap with a million runs: the active ones walk the partial
/// indexes over queued/running runs only, and the completed total is the maintained `run_totals` row.
struct RunCounts: Equatable {
  var queued: Int64 = 0
  var running: Int64 = 0
  var completed: Int64 = 0
  var freshActive: Int64 = 0
  var likelyStale: Int64 = 0
  var unknown: Int64 = 0

  /// Reads the counts as of `now`.
  static func read(from database: RunwatchDatabase, now: Date) throws -> RunCounts {
    try database.pool.read { connection in
      var counts = RunCounts()
      // The WHERE term matches the partial indexes' own condition verbatim, which is what lets SQLite use them.
      let active = try connection.queryOne(
        """
        SELECT
          COUNT(CASE WHEN status = 'queued' THEN 1 END) AS queued,
          COUNT(CASE WHEN status = 'running' THEN 1 END) AS running,
          COUNT(CASE WHEN stale_at IS NULL THEN 1 END) AS unknown,
          COUNT(CASE WHEN stale_at <= ? THEN 1 END) AS stale
        FROM operation_runs WHERE status IN ('queued', 'running')
        """, [now])
      counts.queued = active?.int64("queued") ?? 0
      counts.running = active?.int64("running") ?? 0
      counts.unknown = active?.int64("unknown") ?? 0
      counts.likelyStale = active?.int64("stale") ?? 0
      counts.freshActive = counts.queued + counts.running - counts.unknown - counts.likelyStale
      counts.completed = try connection.scalar("SELECT value FROM run_totals WHERE name = 'completed'") ?? 0
      return counts
    }
  }

  /// The Prometheus text for both gauges.
  static var runs: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_runs", unitName: "", helpText: "Operation runs by status.")
  }
  static var active: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_runs_active", unitName: "", helpText: "Queued and running runs by freshness.")
  }

  /// The gauges, as read now (a registry of this scrape's own: they are facts of the database, not of this
  /// process).
  func exposition() -> String {
    let registry = PrometheusCollectorRegistry()
    for (status, value) in [(RunStatus.queued, queued), (.running, running), (.completed, completed)] {
      registry.makeGauge(descriptor: Self.runs, labels: [("status", status.rawValue)]).set(to: Double(value))
    }
    for (freshness, value) in [
      (Freshness.freshActive, freshActive), (.likelyStale, likelyStale), (.unknown, unknown),
    ] {
      registry.makeGauge(descriptor: Self.active, labels: [("freshness", freshness.rawValue)])
        .set(to: Double(value))
    }
    return registry.emitToString()
  }
}
