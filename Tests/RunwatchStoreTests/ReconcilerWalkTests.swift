import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// How a tick walks the stale runs (in workspace and id order, batch after batch from where the last one
/// stopped) and how the reconciler writes what it assessed outside the write transaction.
@Suite struct ReconcilerWalkTests {
  /// Stale queued runs (900 s window) interleaved in id order with fresh running ones (1200 s), in two
  /// workspaces, healed three at a time: every stale run exactly once, in (workspace, id) order, none fresh.
  @Test func aTickWalksEveryStaleRunOnceInWorkspaceAndIdOrderPastFreshOnes() throws {
    var policy = LifecyclePolicy.builtIn
    policy.reconcile.batchLimit = 3
    let fixture = try TestFixture(policy: policy)
    let second = try fixture.database.addWorkspace(slug: "globex", name: "Globex", at: fixture.clock.now())
    let secondTenant = try fixture.database.addTenant(
      workspaceID: second.id, name: "Initech", at: fixture.clock.now())
    var stale: [(workspace: Int64, id: Int64)] = []
    var fresh: [Int64] = []
    for index in 0..<14 {
      // Alternate workspaces, and within each alternate queued (will be stale) and running (stays fresh).
      let inSecond = index % 2 == 1
      let run = try fixture.lifecycle.create(
        NewRun(
          workspaceID: inSecond ? second.id : fixture.workspace.id,
          tenantID: inSecond ? secondTenant.id : fixture.tenant.id, initiatorUserID: nil, type: "policy.sync"),
        by: fixture.worker)
      if (index / 2) % 2 == 0 {
        stale.append((run.workspaceID, run.id))
      } else {
        _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
        fresh.append(run.id)
      }
    }
    fixture.clock.advance(by: 1_000)
    let result = try fixture.reconciler().reconcileAll()
    let expected = stale.sorted { ($0.workspace, $0.id) < ($1.workspace, $1.id) }.map(\.id)
    #expect(result.reconciled == expected.count)
    #expect(result.changes.map(\.operationRunID) == expected)
    for id in fresh { #expect(try fixture.database.run(id: id)?.status == .running) }
    #expect(try fixture.auditCount(action: "run.reconciled") == expected.count)
    #expect(try fixture.reconciler().reconcileAll().reconciled == 0)
  }

  /// A `policy.sync` run (60 s heartbeat window) silent for two minutes, read, assessed and rendered by the
  /// reconciler but not written yet.
  private static func preparedStaleRun() throws
    -> (TestFixture, OperationRun, Reconciler, [Reconciler.PreparedChange], ReconcileResult)
  {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.heartbeatTimeoutSeconds = 60
    let fixture = try TestFixture(policy: policy)
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 120)
    let reconciler = fixture.reconciler()
    let (assessed, writes) = try fixture.database.pool.read { connection in
      try reconciler.prepare([run.id], in: connection)
    }
    return (fixture, run, reconciler, writes, assessed)
  }

  /// A heartbeat that lands after the reconciler read a run and before it wrote it moves the run's deadline:
  /// the prepared write loses its compare-and-set and the run keeps running, with no audit event.
  @Test func aHeartbeatBetweenAssessmentAndWriteKeepsTheRunRunning() throws {
    let (fixture, run, reconciler, writes, assessed) = try Self.preparedStaleRun()
    #expect(assessed.skipped == 0 && writes.count == 1, "the silent run is stale when read")
    fixture.clock.advance(by: 1)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 1], by: fixture.worker)
    let (written, rest) = try fixture.database.pool.writeTransaction { connection in
      try reconciler.writeSome(writes[...], in: connection)
    }
    #expect(rest.isEmpty)
    #expect(written.reconciled == 0 && written.skipped == 1)
    #expect(try fixture.stored(run).status == .running)
    #expect(try fixture.auditCount(action: "run.reconciled") == 0)
    #expect(try fixture.count("notifications") == 0)
  }

  /// Without the late heartbeat the same prepared write wins: the guard compares what was read, nothing else.
  @Test func aPreparedWriteOfAnUnchangedRunIsApplied() throws {
    let (fixture, run, reconciler, writes, _) = try Self.preparedStaleRun()
    let (written, _) = try fixture.database.pool.writeTransaction { connection in
      try reconciler.writeSome(writes[...], in: connection)
    }
    #expect(written.reconciled == 1)
    #expect(try fixture.stored(run).outcome == .failed)
    #expect(try fixture.auditCount(action: "run.reconciled") == 1)
    #expect(try fixture.count("notifications") == 1)
  }
}

/// The WAL is copied back by the pool's checkpointer, off the writers' path, once it has grown by ~16 MB.
@Suite(.enabled(if: TestStorage.isSQLite, "SQLite's write-ahead log; PostgreSQL manages its own"))
struct WALCheckpointerTests {
  @Test func aGrowingWALIsCopiedBackIntoTheDatabaseFileWithoutAnyoneAsking() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-wal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("wal.sqlite").path
    let pool = try DatabasePool(path: path)
    try pool.write { try $0.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") }
    let body = String(repeating: "x", count: 3_000)
    // ~5,000 pages in 50 transactions: past the 4,096-frame mark, so the hook schedules a checkpoint.
    for _ in 0..<50 {
      try pool.writeTransaction { connection in
        for _ in 0..<100 { try connection.execute("INSERT INTO blobs (body) VALUES (?)", [body]) }
      }
    }
    pool.waitForBackgroundCheckpoint()
    let fileBytes =
      (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    // Without a checkpoint every page would still be in the WAL and the file would hold the schema only.
    #expect(fileBytes >= 16_000_000, "database file: \(fileBytes) bytes")
    #expect(try pool.read { try $0.scalar("SELECT COUNT(*) FROM blobs") } == 5_000)
  }
}

/// A run whose terminal write fails on its own data (here its initiator's user row is gone, so the notification
/// breaks a foreign key) is counted and left as it was; the transaction it was in is written again without it.
@Suite struct ReconcilerWriteFailureTests {
  @Test func aRunWhoseWriteFailsIsLeftOutAndTheOthersInItsTransactionAreWritten() throws {
    let fixture = try TestFixture()
    let now = fixture.clock.now()
    let ghost = try fixture.database.pool.write { connection in
      try connection.insert(
        "INSERT INTO users (email, name, created_at) VALUES ('ghost@example.com', 'Ghost', ?)", [now])
    }
    var runs = try (0..<3).map { _ in try fixture.createRun() }
    let broken = try fixture.lifecycle.create(
      NewRun(
        workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id, initiatorUserID: ghost,
        type: "policy.sync"), by: fixture.worker)
    runs += try (0..<3).map { _ in try fixture.createRun() }
    // Remove the user behind the database's back (foreign keys off on a connection of its own).
    try TestStorage.withoutForeignKeys(fixture.location) { raw in
      try raw.execute("DELETE FROM users WHERE id = ?", [ghost])
    }
    fixture.clock.advance(by: 1_000)
    let reconciler = fixture.reconciler()
    let result = try reconciler.reconcileAll()
    #expect(result.reconciled == 6)
    #expect(result.failed == 1)
    #expect(result.failures.map(\.operationRunID) == [broken.id])
    #expect(
      result.failures.first?.error.lowercased().contains("foreign key") == true, "\(result.failures)")
    for run in runs { #expect(try fixture.stored(run).status == .completed) }
    #expect(try fixture.stored(broken).status == .queued)
    #expect(try fixture.auditCount(action: "run.reconciled") == 6)
    #expect(try fixture.count("notifications") == 6)
    // Left out of the next tick instead of failing every batch again.
    #expect(try reconciler.reconcileAll().candidates == 0)
  }
}

/// The index nothing reads any more is gone after migrating, so reconciliations no longer write it.
@Suite(.enabled(if: TestStorage.isSQLite, "a SQLite migration; PostgreSQL's schema never had the index"))
struct DroppedIndexTests {
  @Test func theReconciledByTimeIndexIsDropped() throws {
    let fixture = try TestFixture()
    let names = try fixture.database.pool.read { connection in
      try connection.query("SELECT name FROM sqlite_master WHERE type = 'index'").compactMap {
        $0.string("name")
      }
    }
    #expect(!names.contains("runs_reconciled_by_time"))
    #expect(names.contains("runs_reconciled_by_workspace"))
  }
}
