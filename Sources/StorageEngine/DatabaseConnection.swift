/// One connection to a database, as the store sees it: what both engines (`SQLiteDB.Connection`,
/// `PostgresDB.PostgresConnection`) provide. Statements use `?` for parameters (`?1`, `?2` to name one twice);
/// the PostgreSQL engine rewrites them to `$1`, `$2` before preparing.
///
/// Not thread-safe: a connection belongs to one pool and is used by one thread at a time.
public protocol DatabaseConnection: AnyObject {
  /// Runs one statement with bound arguments, discards any rows, and returns how many rows it changed.
  @discardableResult
  func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int

  /// Runs one or more statements without arguments (schema scripts).
  func executeScript(_ sql: String) throws

  /// Runs one query and returns all its rows.
  func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row]

  /// Runs one query and returns its first row, if any.
  func queryOne(_ sql: String, _ arguments: [any SQLBindable]) throws -> Row?

  /// Runs `body` in a transaction that is going to write: commits when it returns, rolls back and rethrows
  /// when it throws. Nested calls become savepoints, so helpers compose.
  @discardableResult
  func transaction<T>(_ body: () throws -> T) throws -> T
}

extension DatabaseConnection {
  /// Runs a statement without arguments.
  @discardableResult
  public func execute(_ sql: String) throws -> Int { try execute(sql, []) }

  /// Runs a query without arguments.
  public func query(_ sql: String) throws -> [Row] { try query(sql, []) }

  /// Runs a query without arguments and returns its first row, if any.
  public func queryOne(_ sql: String) throws -> Row? { try queryOne(sql, []) }

  /// Runs an `INSERT` into a table with an integer `id` key and returns the new row's id (`RETURNING id`,
  /// which both engines understand).
  public func insert(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int64 {
    guard let id = try queryOne(sql + " RETURNING id", arguments)?.int64(at: 0) else {
      throw InsertReturnedNoID(sql: sql)
    }
    return id
  }

  /// Inserts `rows` (each with one value per column) into `table`, several rows per statement: for bulk
  /// loads (the demo's history, benchmarks), where one statement per row costs a round trip per row on
  /// PostgreSQL. At most `rowsPerStatement` rows and 30,000 values go in one statement, under both
  /// engines' parameter limits.
  public func insertRows(
    into table: String, columns: [String], rows: [[any SQLBindable]], rowsPerStatement: Int = 500,
    suffix: String = ""
  ) throws {
    guard !columns.isEmpty, !rows.isEmpty else { return }
    let perStatement = max(1, min(rowsPerStatement, 30_000 / columns.count))
    let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    let prefix = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
    var start = 0
    while start < rows.count {
      let chunk = rows[start..<min(start + perStatement, rows.count)]
      let sql = prefix + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + suffix
      try execute(sql, chunk.flatMap { $0 })
      start += chunk.count
    }
  }

  /// The first column of the first row as an integer (for counts and ids).
  public func scalar(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int64? {
    try queryOne(sql, arguments)?.int64(at: 0)
  }
}

/// A pool of connections to one database, as the store sees it. `read` may run beside other reads and
/// writes; writes on one engine serialise as that engine does (SQLite: one writer; PostgreSQL: row locks).
public protocol Database: AnyObject, Sendable {
  /// Runs `body` in a read-only transaction. A `read` nested inside another on the same thread joins it,
  /// so the reads of one page see one state of the database.
  func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T

  /// Runs `body` on a connection that may write, outside any transaction (each statement commits by itself
  /// unless `body` opens one).
  @discardableResult
  func write<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T

  /// Runs `body` in one write transaction.
  @discardableResult
  func writeTransaction<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T

  /// Whether writes have been failing lately; readiness reports it.
  var writeHealth: WriteHealth { get }

  /// Runs `body` while holding the database-wide lease `key`, unless another process holds it: then returns
  /// nil at once without running `body`. A process that dies loses its lease with its connection, so another
  /// takes it at its next try. (SQLite: one file has one server, so the lease is always granted.)
  func withLease<T>(_ key: Int64, _ body: () throws -> T) throws -> T?
}

/// An error from either engine, described the way callers decide on it.
public protocol DatabaseFault: Error, CustomStringConvertible {
  /// The engine's message.
  var message: String { get }
  /// A fault that may pass by itself (disk full, I/O error, lock or connection not available): answer 503
  /// with `Retry-After` rather than 500, and retry later.
  var isTransient: Bool { get }
  /// The disk (or a configured size limit) is full.
  var isDiskFull: Bool { get }
  /// A constraint (unique, foreign key, check, not null) refused the statement.
  var isConstraintViolation: Bool { get }
}

/// An `INSERT` that should have returned the new row's id returned none.
public struct InsertReturnedNoID: Error, CustomStringConvertible {
  /// The statement.
  public let sql: String
  public var description: String { "the insert returned no id: \(sql)" }
}
