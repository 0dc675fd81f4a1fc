import PostgresDB
import SQLiteDB
import StorageEngine

/// The SQL that differs between the two engines, and only that: every other statement of the store is
/// written once, in the subset both understand (`?` parameters, `ON CONFLICT`, `RETURNING`, row values).
/// Each engine's answers live in one file: `SQLiteSQL` and `PostgresSQL`.
protocol EngineSQL: Sendable {
  /// The engine's named, append-only migrations.
  var migrations: [Migration] { get }
  /// A statement that makes concurrent migrators take turns (nil when the engine's write lock does it).
  var migrationLock: String? { get }
  /// A hint pinning `index` after `FROM table`: SQLite's planner needs it on some hot queries, PostgreSQL's
  /// chooses by statistics and takes none.
  func indexHint(_ index: String) -> String
  /// The smaller of two values (SQLite's two-argument `MIN`, PostgreSQL's `LEAST`).
  func least(_ first: String, _ second: String) -> String
  /// The instant `milliseconds` (an integer expression) after `instant`.
  func adding(milliseconds: String, to instant: String) -> String
  /// The start of the hour (UTC) holding `instant`, as the stored instant type.
  func hourStart(_ instant: String) -> String
  /// The start of the day (UTC) holding `instant`, as the stored instant type.
  func dayStart(_ instant: String) -> String
  /// Whole milliseconds from the instant `start` to the instant `end`, as an integer expression.
  func milliseconds(from start: String, to end: String) -> String
  /// An upsert of `runwatch_meta`'s `write_probe` row whose value takes `?` bytes of room.
  var writeProbe: String { get }
  /// What ends a `SELECT` of a row the transaction is about to change: PostgreSQL's `FOR UPDATE`, which makes
  /// a second writer of the same row (another instance) wait and then read the first one's result; nothing
  /// on SQLite, whose single writer already serialises the whole transaction.
  var lockingRead: String { get }
  /// The reconciler's terminal UPDATE for `rows` runs at once (see `LifecycleService.applyAll`), when the
  /// engine gains by it: each statement is a network round trip to PostgreSQL, and a heal of 100,000 runs
  /// one statement per run spent most of its time waiting for them. Nil on SQLite, where a statement is a
  /// function call and one per run keeps each short. The statement takes, per run, the values
  /// `TerminalBatchSQL.values` lists, and returns the ids of the runs it changed.
  func terminalBatchUpdate(rows: Int) -> String?
  /// Writes the search text of the runs `documents` selects (id, text) into `run_search`, replacing what was
  /// there (`RunSearch`).
  func searchIndexUpsert(_ documents: String) -> String
  /// Ids of runs matching the words bound first (`searchQuery`'s text), newest first (or, with `newer`, oldest
  /// first), below (above) the id bound next when `bounded`, at most the count bound last.
  func searchWindow(newer: Bool, bounded: Bool) -> String
  /// `words` in this engine's full-text query syntax: every word, each as a prefix.
  func searchQuery(_ words: [String]) -> String
  /// A statement that compacts the search index after a bulk write, when the engine needs one (FTS5 merges
  /// its segments: a common word prefix then reads one doclist instead of many, 27 → 16 ms at 1M runs).
  var searchIndexCompaction: String? { get }
  /// A query that returns a row when the table named `?` exists.
  var tableExists: String { get }
}

extension DatabaseConnection {
  /// The SQL dialect of this connection's engine.
  var engineSQL: any EngineSQL {
    self is PostgresConnection ? PostgresSQL() : SQLiteSQL()
  }
}
