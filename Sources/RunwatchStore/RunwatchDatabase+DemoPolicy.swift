import Foundation
import PostgresDB
import RunwatchCore
import SQLiteDB
import StorageEngine

/// A database seeded under the demo policy (`serve --demo`, `make demo`) says so in `runwatch_meta`, so a
/// command run on it later without `--policy` uses the demo policy too: opening it under the built-in policy
/// would silently recompute every deadline and propose failing runs the demo says are never failed
/// automatically.
extension RunwatchDatabase {
  static let demoPolicyKey = "seeded_policy"

  /// Records that this database was seeded under `LifecyclePolicy.demo`.
  public func rememberDemoPolicy() throws {
    try pool.write { connection in
      try connection.execute(
        """
        INSERT INTO runwatch_meta (key, value) VALUES (?, 'demo')
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """, [Self.demoPolicyKey])
    }
  }

  /// Whether the database at `location` was seeded under the demo policy. Reads without migrating or
  /// creating anything (a read-only file in a read-only directory included): a missing SQLite file, or a
  /// database without Runwatch's tables, is simply not a demo.
  public static func remembersDemoPolicy(at location: StorageLocation) throws -> Bool {
    let pool: any Database
    switch location {
    case .sqlite(let path):
      guard FileManager.default.fileExists(atPath: path) else { return false }
      pool = SQLiteDatabase(pool: try SQLiteDB.DatabasePool(readingOnly: path, maximumIdleReaders: 0))
    case .postgres(let url):
      pool = PostgresPool(url: url, maximumConnections: 1)
    }
    return try pool.read { connection in
      guard try connection.queryOne(connection.engineSQL.tableExists, ["runwatch_meta"]) != nil else {
        return false
      }
      return try connection.queryOne("SELECT value FROM runwatch_meta WHERE key = ?", [demoPolicyKey])?
        .string("value") == "demo"
    }
  }
}
