import SQLiteDB
import StorageEngine

/// SQLite's side of `EngineSQL`. Instants are integer milliseconds since the Unix epoch.
struct SQLiteSQL: EngineSQL {
  var migrations: [Migration] { SQLiteSchema.migrations }
  var migrationLock: String? { nil }
  func indexHint(_ index: String) -> String { "INDEXED BY \(index)" }
  func least(_ first: String, _ second: String) -> String { "MIN(\(first), \(second))" }
  func adding(milliseconds: String, to instant: String) -> String { "(\(instant) + \(milliseconds))" }
  func milliseconds(from start: String, to end: String) -> String { "(\(end) - \(start))" }
  func hourStart(_ instant: String) -> String {
    "((\(instant)) / \(RunRollups.bucketMilliseconds)) * \(RunRollups.bucketMilliseconds)"
  }
  func dayStart(_ instant: String) -> String { "((\(instant)) / 86400000) * 86400000" }
  var writeProbe: String {
    """
    INSERT INTO runwatch_meta (key, value) VALUES ('write_probe', zeroblob(?))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value
    """
  }
  var lockingRead: String { "" }
  func terminalBatchUpdate(rows: Int) -> String? { nil }
  func searchIndexUpsert(_ documents: String) -> String {
    "INSERT OR REPLACE INTO run_search (rowid, body) \(documents)"
  }
  var searchIndexCompaction: String? { "INSERT INTO run_search (run_search) VALUES ('optimize')" }
  func searchWindow(newer: Bool, bounded: Bool) -> String {
    let bound = bounded ? (newer ? " AND rowid > ?" : " AND rowid < ?") : ""
    return
      "SELECT rowid FROM run_search WHERE run_search MATCH ?\(bound) ORDER BY rowid \(newer ? "ASC" : "DESC") LIMIT ?"
  }
  func searchQuery(_ words: [String]) -> String {
    // Words are letters and digits only (`RunSearch.words`), so quoting each is enough to keep FTS5's
    // operators (AND, NEAR, column filters) out of a user's text.
    words.map { "\"\($0)\"*" }.joined(separator: " ")
  }
  var tableExists: String { "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?" }
}

/// The SQLite engine's pool as the store's `Database`: a thin adapter, so `SQLiteDB` keeps its own typed
/// API (checkpoints, WAL size) for the tools that need it.
final class SQLiteDatabase: Database {
  let pool: DatabasePool

  init(pool: DatabasePool) { self.pool = pool }

  func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    try pool.read { connection in try body(connection) }
  }

  @discardableResult

  func write<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    try pool.write { connection in try body(connection) }
  }

  @discardableResult

  func writeTransaction<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    try pool.writeTransaction { connection in try body(connection) }
  }

  var writeHealth: WriteHealth { pool.writeHealth }

  /// Always granted: a SQLite file has one server, and its single writer already serialises every write (a
  /// `runwatch reconcile` beside it loses compare-and-sets cleanly).
  func withLease<T>(_ key: Int64, _ body: () throws -> T) throws -> T? { try body() }
}
