import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchDemo
@testable import RunwatchStore

@Suite("Demo bulk runs")
struct DemoBulkTests {
  @Test("a large seed bulk-inserts the rest: right total, plausible stale_at, time order, ANALYZE")
  func bulkPathCreatesRunsWithPlausibleStaleAt() throws {
    let demo = try DemoTestDatabase()
    let report = try demo.seed(runs: 6_000, richRuns: 60)
    #expect(report.richRuns == 60 && report.bulkRuns == 5_940 && report.totalRuns == 6_000)
    #expect(try demo.count("SELECT COUNT(*) FROM operation_runs") == 6_000)
    // Audit events come from the rich set only.
    #expect(try demo.count("SELECT COUNT(DISTINCT run_id) FROM audit_events") <= 60)
    // Bulk rows bypass the lifecycle service; their rollups are counted all the same.
    let completed = try demo.count("SELECT COUNT(*) FROM operation_runs WHERE status = 'completed'")
    #expect(completed > 5_000)
    #expect(try demo.count("SELECT COALESCE(SUM(runs), 0) FROM run_rollups") == completed)
    #expect(try demo.count("SELECT value FROM run_totals WHERE name = 'completed'") == completed)
    #expect(
      try demo.count("SELECT COALESCE(SUM(runs), 0) FROM run_rollups WHERE reason <> ''")
        == demo.count("SELECT COUNT(*) FROM operation_runs WHERE reconciliation_reason IS NOT NULL"))

    let now = DemoTestDatabase.now
    let runs = try demo.runs()
    var checkedActive = 0
    let storedStaleAt = try demo.database.pool.read { connection in
      try connection.query("SELECT id, stale_at FROM operation_runs").reduce(into: [Int64: Date?]()) {
        $0[$1.int64("id") ?? 0] = $1.date("stale_at")
      }
    }
    for run in runs {
      let stored = storedStaleAt[run.id] ?? nil
      if run.status.isTerminal {
        #expect(stored == nil)
        #expect(run.completedAt != nil && run.completedAt! >= run.createdAt)
      } else {
        checkedActive += 1
        #expect(
          stored?.timeIntervalSince1970.rounded()
            == run.staleDeadline(policy: .builtIn)?.timeIntervalSince1970.rounded())
        #expect(run.createdAt <= now)
      }
      #expect(run.createdAt > now.addingTimeInterval(-100 * 86_400))
    }
    #expect(checkedActive >= 5)
    // Bulk history is in time order before the rich set: the oldest run has the smallest id.
    #expect(runs.first?.createdAt == runs.map(\.createdAt).min())
    let reconciled = runs.filter { $0.reconciliation != nil }
    #expect(reconciled.count > 60)
    #expect(reconciled.allSatisfy { $0.outcome == .failed || $0.reconciliation?.reason == .adapterOutOfSync })
    // The planner has statistics for the table (SQLite's `ANALYZE` table; PostgreSQL's own record of it).
    let analyzed =
      TestStorage.isPostgres
      ? "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'operation_runs' AND last_analyze IS NOT NULL"
      : "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'operation_runs'"
    #expect(try demo.count(analyzed) > 0)
    // Freshness counts in the report agree with the domain's derivation.
    var derived: [Freshness: Int] = [:]
    for run in runs { derived[run.freshness(policy: .builtIn, now: now), default: 0] += 1 }
    #expect(derived == report.freshnessCounts)
  }

  @Test("the generator inserts exactly what it is asked for, in batches")
  func generatorCountsAndBatches() throws {
    let demo = try DemoTestDatabase()
    try demo.seed(runs: DemoSeeder.minimumRuns(policy: .builtIn))
    let before = try demo.count("SELECT COUNT(*) FROM operation_runs")
    let generator = BulkRunGenerator(database: demo.database, batchSize: 333)
    let history = try generator.insertHistory(
      count: 1_000, from: DemoTestDatabase.now.addingTimeInterval(-86_400 * 30), to: DemoTestDatabase.now,
      seed: 1)
    let active = try generator.insertActive(count: 200, now: DemoTestDatabase.now, seed: 2)
    #expect(history.inserted == 1_000 && active.active == 200)
    #expect(try demo.count("SELECT COUNT(*) FROM operation_runs") == before + 1_200)
    let stale = try demo.count(
      "SELECT COUNT(*) FROM operation_runs WHERE id > ? AND stale_at <= ?",
      [before + 1_000, DemoTestDatabase.now])
    // About one active run in ten is just past its window; most are fresh.
    #expect(stale > 0 && stale < 60)
  }
}
