import Foundation
import SQLiteDB
import Synchronization
import TestStorage
import Testing

@testable import RunwatchStore

@Suite struct MigrationTests {
  @Test func migratesAnEmptyDatabaseAndReRunningIsANoOp() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let location = try TestStorage.freshLocation(in: directory)
    let first = try RunwatchDatabase.migrate(location)
    let connection = try TestStorage.connect(location)
    let names = connection.engineSQL.migrations.map(\.name)
    #expect(first == names)
    let second = try RunwatchDatabase.migrate(location)
    #expect(second.isEmpty)
    #expect(try Migrator.appliedMigrations(connection) == names)
    for table in [
      "audit_events", "late_reports", "memberships", "notifications", "operation_runs", "tenant_entitlements",
      "tenants", "users", "workspaces", "sessions", "api_tokens", "login_attempts", "run_rollups",
      "run_totals",
      "runwatch_meta",
    ] {
      #expect(
        try connection.queryOne(connection.engineSQL.tableExists, [table]) != nil, "missing table \(table)")
    }
  }

  @Test func severalProcessesMigratingAtOnceApplyEachMigrationOnce() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let location = try TestStorage.freshLocation(in: directory)
    let applied = Mutex<[[String]]>([])
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      do {
        let names = try RunwatchDatabase.migrate(location)
        applied.withLock { $0.append(names) }
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    let connection = try TestStorage.connect(location)
    let names = connection.engineSQL.migrations.map(\.name)
    #expect(applied.withLock { $0 }.filter { !$0.isEmpty } == [names], "one migrator applied everything")
    #expect(try Migrator.appliedMigrations(connection) == names)
  }

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's journal mode"))
  func opensInWALMode() throws {
    let fixture = try TestFixture()
    let mode = try fixture.database.pool.write {
      try $0.queryOne("PRAGMA journal_mode")?.string("journal_mode")
    }
    #expect(mode == "wal")
  }

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's query plans (EXPLAIN QUERY PLAN)"))
  func staleQueryUsesThePartialIndex() throws {
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

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's query plans (EXPLAIN QUERY PLAN)"))
  func freshnessFiltersUseIndexes() throws {
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
