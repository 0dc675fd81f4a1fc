import CSQLite

/// One SQLite connection. Owns its `sqlite3*` and closes it in `deinit`.
/// Not thread-safe by itself: `DatabasePool` hands each connection to one thread at a time.
public final class Connection {
  let handle: OpaquePointer
  /// File path of the database.
  public let path: String
  private var statementCache: [String: Statement] = [:]
  private var transactionDepth = 0

  /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout.
  public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000)
    throws(SQLiteError)
  {
    var connection: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    let code = sqlite3_open_v2(path, &connection, flags, nil)
    guard code == SQLITE_OK, let connection else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
      if let connection { sqlite3_close_v2(connection) }
      throw SQLiteError(code: code, message: message)
    }
    self.handle = connection
    self.path = path
    sqlite3_extended_result_codes(handle, 1)
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    if !readOnly {
      try execute("PRAGMA journal_mode = WAL")
      // After a checkpoint resets the WAL, SQLite truncates the file back to this size, so one burst of
      // writes (an incident's heal) never leaves a multi-gigabyte WAL behind.
      try execute("PRAGMA journal_size_limit = \(Self.journalSizeLimitBytes)")
    }
    try execute("PRAGMA synchronous = NORMAL")
    try execute("PRAGMA foreign_keys = ON")
  }

  /// The WAL size SQLite truncates back to after a reset (`journal_size_limit`): 64 MiB.
  public static let journalSizeLimitBytes = 64 << 20

  deinit {
    statementCache.removeAll()
    sqlite3_close_v2(handle)
  }

  /// A cached prepared statement for `sql` (prepared once per connection).
  public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
    if let statement = statementCache[sql] { return statement }
    let statement = try Statement(connection: self, sql: sql)
    statementCache[sql] = statement
    return statement
  }

  /// Runs one or more statements without arguments (schema, pragmas).
  public func execute(_ sql: String) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    if code != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(message)
      throw SQLiteError(code: code, message: text, sql: sql)
    }
  }

  /// Runs one statement with bound arguments and discards rows.
  public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws(SQLiteError) {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    while try statement.step() != nil {}
  }

  /// Runs one query and returns all rows.
  public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws(SQLiteError) -> [Row] {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    return try statement.all()
  }

  /// Runs one query and returns its first row, if any.
  public func queryOne(_ sql: String, _ arguments: [any SQLBindable] = []) throws(SQLiteError) -> Row? {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    let row = try statement.step()
    sqlite3_reset(statement.handle)
    return row
  }

  /// The first column of the first row as an integer (for counts and ids).
  public func scalar(_ sql: String, _ arguments: [any SQLBindable] = []) throws(SQLiteError) -> Int64? {
    guard let row = try queryOne(sql, arguments), case .integer(let value) = row[0] else { return nil }
    return value
  }

  /// How hard `checkpoint(_:)` tries (SQLite's `wal_checkpoint` modes).
  public enum CheckpointMode: String, Sendable {
    /// Copy what can be copied without waiting for anyone.
    case passive = "PASSIVE"
    /// Wait (busy timeout) for readers of old frames, copy everything, and truncate the WAL to zero bytes.
    case truncate = "TRUNCATE"
  }

  /// Runs a WAL checkpoint outside any transaction. Returns whether it was blocked (SQLITE_BUSY) before it
  /// could finish: the WAL is then left as it was, for a later checkpoint.
  @discardableResult
  public func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> Bool {
    guard let row = try queryOne("PRAGMA wal_checkpoint(\(mode.rawValue))"), case .integer(let busy) = row[0]
    else { return false }
    return busy != 0
  }

  /// Row id of the last insert on this connection.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Rows changed by the last statement.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// Whether a transaction is open on this connection.
  public var isInTransaction: Bool { transactionDepth > 0 }

  /// How a transaction takes its lock.
  public enum TransactionKind: String, Sendable {
    /// Lock on first read/write.
    case deferred = "DEFERRED"
    /// Take the write lock at once: the right choice for read-modify-write.
    case immediate = "IMMEDIATE"
  }

  /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows the first error when it
  /// throws. Nested calls become savepoints so helpers compose.
  ///
  /// BEGIN, COMMIT and the savepoint statements run as cached prepared statements: `sqlite3_exec` parsed them
  /// again for every transaction, a noticeable part of a short one such as a heartbeat.
  public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    let savepoint = "rw_sp_\(transactionDepth)"
    if transactionDepth == 0 {
      try execute("BEGIN \(kind.rawValue) TRANSACTION", [])
    } else {
      try execute("SAVEPOINT \(savepoint)", [])
    }
    transactionDepth += 1
    do {
      let result = try body()
      transactionDepth -= 1
      if transactionDepth == 0 {
        try execute("COMMIT TRANSACTION", [])
      } else {
        try execute("RELEASE SAVEPOINT \(savepoint)", [])
      }
      return result
    } catch {
      transactionDepth -= 1
      if transactionDepth == 0 {
        try? execute("ROLLBACK TRANSACTION")
      } else {
        try? execute("ROLLBACK TO SAVEPOINT \(savepoint)")
        try? execute("RELEASE SAVEPOINT \(savepoint)")
      }
      throw error
    }
  }

  func error(code: Int32, sql: String?) -> SQLiteError {
    SQLiteError(
      code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
  }
}
