import Foundation
import SQLiteDB
import Testing

@testable import RunwatchStore

@Suite struct MigrationTests {
  @Test func migratesAnEmptyFileAndReRunningIsANoOp() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "mig-\(UUID().uuidString).sqlite"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try RunwatchDatabase.migrate(path: path)
    #expect(first == Schema.migrations.map(\.name))
    let second = try RunwatchDatabase.migrate(path: path)
    #expect(second.isEmpty)
    let connection = try Connection(path: path)
    #expect(try Migrator.appliedMigrations(connection) == Schema.migrations.map(\.name))
    let tables = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .compactMap { $0.string("name") }
    for table in [
      "audit_events", "late_reports", "memberships", "notifications", "operation_runs", "tenant_entitlements",
      "tenants", "users", "workspaces",
    ] {
      #expect(tables.contains(table), "missing table \(table)")
    }
  }

  @Test func opensInWALMode() throws {
    let fixture = try TestFixture()
    let mode = try fixture.database.pool.write {
      try $0.queryOne("PRAGMA journal_mode")?.string("journal_mode")
    }
    #expect(mode == "wal")
  }

  @Test func staleQueryUsesThePartialIndex() throws {
    let fixture = try TestFixture()
    let plan = try fixture.database.pool.read { connection in
      try connection.query(
        """
        EXPLAIN QUERY PLAN SELECT id FROM operation_runs
        WHERE status IN ('queued', 'running') AND stale_at <= ? ORDER BY stale_at LIMIT 100
        """, [Int64(0)]
      ).compactMap { $0.string("detail") }
    }
    #expect(plan.contains { $0.contains("runs_active_by_stale_at") }, "plan: \(plan)")
    #expect(!plan.contains { $0.hasPrefix("SCAN operation_runs") && !$0.contains("INDEX") }, "plan: \(plan)")
  }

  @Test func freshnessFiltersUseIndexes() throws {
    let fixture = try TestFixture()
    for freshness in ["likely_stale", "reconciled_failed"] {
      var condition = SQLCondition()
      RunScope(workspaceID: 1).apply(to: &condition)
      RunFilter.applyFreshness(
        freshness == "likely_stale" ? .likelyStale : .reconciledFailed, to: &condition, now: Date())
      let plan = try fixture.database.pool.read { connection in
        try connection.query(
          "EXPLAIN QUERY PLAN SELECT id FROM operation_runs \(condition.whereClause) ORDER BY id DESC LIMIT 50",
          condition.arguments
        ).compactMap { $0.string("detail") }
      }
      #expect(
        plan.allSatisfy { !$0.hasPrefix("SCAN operation_runs") || $0.contains("INDEX") },
        "\(freshness): \(plan)")
    }
  }
}
