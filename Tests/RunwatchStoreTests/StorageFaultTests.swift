import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// A transient storage fault (a failed COMMIT, a full disk) costs the writes it hits and nothing more: the
/// connection is usable again the moment the fault is gone, and the pool says whether writes fail now.
@Suite(.enabled(if: TestStorage.isSQLite, "SQLite's own failure modes (a full file via max_page_count)"))
struct StorageFaultTests {
  private func temporaryPath() throws -> (URL, String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-fault-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (directory, directory.appendingPathComponent("fault.sqlite").path)
  }

  /// A deferred foreign key fails at COMMIT, and SQLite keeps the transaction open after such a failure: the
  /// old wrapper left its depth at -1 and the transaction open, so every later transaction failed with
  /// `SAVEPOINT rw_sp_-1`.
  @Test func failedCommitLeavesTheConnectionUsable() throws {
    let (directory, path) = try temporaryPath()
    defer { try? FileManager.default.removeItem(at: directory) }
    let connection = try Connection(path: path)
    try connection.executeScript(
      """
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)
      """)
    #expect(throws: SQLiteError.self) {
      try connection.transaction { try connection.execute("INSERT INTO child (parent_id) VALUES (?)", [42]) }
    }
    #expect(!connection.isInTransaction)
    #expect(connection.isAutocommit, "the failed COMMIT's transaction was rolled back")
    try connection.transaction {
      try connection.transaction { try connection.execute("INSERT INTO parent (id) VALUES (?)", [1]) }
      try connection.execute("INSERT INTO child (parent_id) VALUES (?)", [1])
    }
    #expect(try connection.scalar("SELECT COUNT(*) FROM child") == 1, "the failed insert left nothing behind")
    #expect(connection.isAutocommit)
  }

  /// `max_page_count` makes SQLite answer SQLITE_FULL exactly as a full disk does. While it is reached writes
  /// fail and `writeHealth` says so; once there is room the same pool writes again and the failure clears.
  @Test func fullDatabaseFailsWritesUntilThereIsRoomAgain() throws {
    let (directory, path) = try temporaryPath()
    defer { try? FileManager.default.removeItem(at: directory) }
    let pool = try DatabasePool(path: path)
    try pool.write { try $0.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)") }
    let pages = try pool.write { try $0.scalar("PRAGMA page_count") ?? 0 }
    try pool.write { try $0.execute("PRAGMA max_page_count = \(pages + 2)") }
    var failure: SQLiteError?
    for _ in 0..<10 where failure == nil {
      do {
        try pool.writeTransaction { try $0.execute("INSERT INTO blobs (body) VALUES (zeroblob(8192))", []) }
      } catch let error as SQLiteError {
        failure = error
      }
    }
    let full = try #require(failure)
    #expect(full.isDiskFull && full.isTransient)
    #expect(pool.writeHealth.failure?.isDiskFull == true)
    // Still full: the next write fails the same way instead of "SAVEPOINT rw_sp_-1".
    #expect(throws: SQLiteError.self) {
      try pool.writeTransaction { try $0.execute("INSERT INTO blobs (body) VALUES (zeroblob(8192))", []) }
    }
    try pool.write { try $0.execute("PRAGMA max_page_count = 1073741823") }
    try pool.writeTransaction { try $0.execute("INSERT INTO blobs (body) VALUES (zeroblob(8192))", []) }
    #expect(pool.writeHealth.failure == nil)
    try pool.write { connection in #expect(connection.isAutocommit) }
  }

  /// The disk-full path through the whole store: a run created while full fails, and after the space is back the
  /// lifecycle service creates, starts and the reconciler heals runs on the same database object.
  @Test func lifecycleWritesResumeAfterTheDatabaseWasFull() throws {
    let fixture = try TestFixture()
    let pages = try fixture.database.pool.write { try $0.scalar("PRAGMA page_count") ?? 0 }
    try fixture.database.pool.write { try $0.execute("PRAGMA max_page_count = \(pages)") }
    let big = String(repeating: "x", count: 64 * 1024)
    #expect(throws: SQLiteError.self) {
      _ = try fixture.lifecycle.create(
        NewRun(
          workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id, initiatorUserID: nil,
          type: "policy.sync", context: ["padding": .string(big)]), by: fixture.worker)
    }
    #expect(fixture.database.writeFailure?.reason == "database or disk is full")
    try fixture.database.pool.write { try $0.execute("PRAGMA max_page_count = 1073741823") }
    let run = try fixture.startedRun()
    #expect(fixture.database.writeFailure == nil)
    fixture.clock.advance(by: 3 * 86_400)
    let result = try fixture.reconciler().reconcileAll()
    #expect(result.reconciled == 1)
    #expect(try fixture.stored(run).status == .completed)
  }
}
