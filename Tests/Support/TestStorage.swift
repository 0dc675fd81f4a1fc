import Foundation
import PostgresDB
import RunwatchStore
import SQLiteDB
@_exported import StorageEngine

/// Which engine the test run uses, and fresh databases on it. `swift test` alone runs on SQLite; `make
/// test-postgres` sets `RUNWATCH_TEST_ENGINE=postgres` and `RUNWATCH_TEST_POSTGRES_URL` (a throw-away
/// cluster), and the same store, lifecycle, reconciler, API and page suites then run on PostgreSQL. A test
/// that only makes sense on one engine says why in its `.enabled(if:)` trait.
public enum TestStorage {
  /// Whether this test run is on PostgreSQL.
  public static let isPostgres: Bool =
    ProcessInfo.processInfo.environment["RUNWATCH_TEST_ENGINE"] == "postgres" && postgresURL != nil

  /// Whether this test run is on SQLite (the default).
  public static var isSQLite: Bool { !isPostgres }

  /// The throw-away server's URL, when `make test-postgres` started one.
  public static let postgresURL: String? = {
    let value = ProcessInfo.processInfo.environment["RUNWATCH_TEST_POSTGRES_URL"] ?? ""
    return value.isEmpty ? nil : value
  }()

  /// A new, empty database: the file `name` in `directory` on SQLite; on PostgreSQL a schema of its own in
  /// the test cluster, reached through a URL whose `search_path` names it, so tests never see each other's
  /// rows and need no cleanup beyond the cluster.
  public static func freshLocation(in directory: URL, name: String = "runwatch.sqlite") throws
    -> StorageLocation
  {
    guard isPostgres, let url = postgresURL else {
      return .sqlite(path: directory.appendingPathComponent(name).path)
    }
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let connection = try PostgresConnection(url: url)
    try connection.executeScript("CREATE SCHEMA \(schema)")
    let separator = url.contains("?") ? "&" : "?"
    return .postgres(url: url + separator + "options=-csearch_path%3D\(schema)")
  }
}

extension TestStorage {
  /// A connection of its own to `location`, outside any pool: to read back what was committed, or to change
  /// rows behind the store's back.
  public static func connect(_ location: StorageLocation) throws -> any DatabaseConnection {
    switch location {
    case .sqlite(let path): return try SQLiteDB.Connection(path: path)
    case .postgres(let url): return try PostgresConnection(url: url)
    }
  }

  /// Runs `body` on a connection of its own with foreign-key checks off, to leave a row dangling as a
  /// corrupted database would.
  public static func withoutForeignKeys(
    _ location: StorageLocation, _ body: (any DatabaseConnection) throws -> Void
  )
    throws
  {
    let connection = try connect(location)
    switch location {
    case .sqlite: try connection.executeScript("PRAGMA foreign_keys = OFF")
    case .postgres: try connection.executeScript("SET session_replication_role = replica")
    }
    try body(connection)
  }
}

extension TestStorage {
  /// Everything the database holds, as bytes to search for a secret: SQLite's file and write-ahead log; on
  /// PostgreSQL every value of every table in the test's schema, as text.
  public static func storedBytes(of database: RunwatchDatabase) throws -> [UInt8] {
    switch database.location {
    case .sqlite(let path):
      return ["", "-wal"].flatMap { suffix in
        FileManager.default.contents(atPath: path + suffix).map { [UInt8]($0) } ?? []
      }
    case .postgres:
      return try database.pool.read { connection in
        var bytes: [UInt8] = []
        let tables = try connection.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", []
        ).compactMap { $0.string("table_name") }
        for table in tables {
          // Each row as PostgreSQL writes it out (`row::text`): every column, whatever its type (the search
          // index's tsvector included).
          for row in try connection.query("SELECT stored::text FROM \(table) AS stored", []) {
            for value in row.values {
              switch value {
              case .text(let text): bytes += Array(text.utf8)
              case .blob(let blob): bytes += blob
              default: bytes += Array("\(value)".utf8)
              }
            }
          }
        }
        return bytes
      }
    }
  }
}
