import CSQLite

/// One SQLite connection. Owns its `sqlite3*` and closes it in `deinit`.
/// Not thread-safe by itself: `DatabasePool` hands each connection to one thread at a time.
public final class Connection {
  let handle: OpaquePointer
  /// File path of the database.
  public let path: String
  private var statementCache: [String: Statement] = [:]
  private var transactionDepth = 0

  /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout. `immutable` (read-only
  /// only) tells SQLite the file cannot change while open, so it needs no lock or shared-memory file: for
  /// reading a database in a directory this process cannot write.
  public init(
    path: String, readOnly: Bool = false, immutable: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000
  ) throws(SQLiteError) {
    var connection: OpaquePointer?
    var flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
    var name = path
    if readOnly, immutable {
      flags |= SQLITE_OPEN_URI
      name = "file:" + Self.uriPath(path) + "?immutable=1"
    }
    let code = sqlite3_open_v2(name, &connection, flags, nil)
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
      try executeScript("PRAGMA journal_mode = WAL")
      // After a checkpoint resets the WAL, SQLite truncates the file back to this size, so one burst of
      // writes (an incident's heal) never leaves a multi-gigabyte WAL behind.
      try executeScript("PRAGMA journal_size_limit = \(Self.journalSizeLimitBytes)")
      // The writer's page cache: 16 MiB instead of SQLite's 2 MiB, so a burst of writes (an incident's heal)
      // finds the index pages it keeps returning to in memory instead of reading them again through the OS.
      try executeScript("PRAGMA cache_size = -16384")
    }
    try executeScript("PRAGMA synchronous = NORMAL")
    // Savepoints (one per reconciled run) journal the pages they change; in memory that is a copy, on disk it
    // was a temporary file created, written and deleted for every write transaction.
    try executeScript("PRAGMA temp_store = MEMORY")
    try executeScript("PRAGMA foreign_keys = ON")
  }

  /// `path` with the characters a `file:` URI gives meaning to escaped.
  static func uriPath(_ path: String) -> String {
    var escaped = ""
    for character in path {
      switch character {
      case "%": escaped += "%25"
      case "?": escaped += "%3F"
      case "#": escaped += "%23"
      default: escaped.append(character)
      }
    }
    return escaped
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
  public func executeScript(_ sql: String) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    if code != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(message)
      throw SQLiteError(code: code, message: text, sql: sql)
    }
  }

  /// Runs one statement with bound arguments and discards rows.
  @discardableResult
  public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws(SQLiteError) -> Int {
    let statement = try cachedStatement(sql)
    try statement.bind(arguments)
    while try statement.step() != nil {}
    return changes
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

  /// Runs `body` in an immediate transaction (the write lock taken at once), as `DatabaseConnection` asks.
  @discardableResult
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try transaction(.immediate, body)
  }

  /// How hard `checkpoint(_:)` tries (SQLite's `wal_checkpoint` modes).
  public enum CheckpointMode: String, Sendable {
    /// Copy what can be copied without waiting for anyone.
    case passive = "PASSIVE"
    /// Wait (busy timeout) for readers of old frames, copy everything, and make the next write start the WAL
    /// again from its beginning (the file keeps its size, up to `journal_size_limit`).
    case restart = "RESTART"
    /// As `restart`, and truncate the WAL to zero bytes.
    case truncate = "TRUNCATE"
  }

  /// Runs a WAL checkpoint outside any transaction. Returns whether it was blocked (SQLITE_BUSY) before it
  /// could finish: the WAL is then left as it was, for a later checkpoint.
  @discardableResult
  public func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> Bool {
    guard let row = try queryOne("PRAGMA wal_checkpoint(\(mode.rawValue))", []),
      case .integer(let busy) = row[0]
    else { return false }
    return busy != 0
  }

  /// Row id of the last insert on this connection.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Rows changed by every statement since the connection opened (rolled-back ones included): `DatabasePool`
  /// compares it before and after a write to tell a write that changed something from one that did not.
  public var totalChanges: Int64 { Int64(sqlite3_total_changes(handle)) }

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
  /// A failed COMMIT (the disk is full, an I/O error, a lock not granted in time) is rolled back here too and the
  /// depth restored whatever happens, so a transient fault costs one transaction and the connection is usable
  /// again the moment the fault is gone. SQLite may leave the transaction open after a failed COMMIT, or may have
  /// rolled it back itself: `sqlite3_get_autocommit` says which.
  ///
  /// BEGIN, COMMIT and the savepoint statements run as cached prepared statements: `sqlite3_exec` parsed them
  /// again for every transaction, a noticeable part of a short one such as a heartbeat.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
    let depth = transactionDepth
    let savepoint = "rw_sp_\(depth)"
    if depth == 0 {
      // A transaction left open by a fault this wrapper could not roll back must not block every later one.
      if !isAutocommit { try? executeScript("ROLLBACK TRANSACTION") }
      try execute("BEGIN \(kind.rawValue) TRANSACTION", [])
    } else {
      try execute("SAVEPOINT \(savepoint)", [])
    }
    transactionDepth = depth + 1
    defer { transactionDepth = depth }
    let result: T
    do {
      result = try body()
      if depth == 0 {
        try execute("COMMIT TRANSACTION", [])
      } else {
        try execute("RELEASE SAVEPOINT \(savepoint)", [])
      }
    } catch {
      rollBack(depth: depth, savepoint: savepoint)
      throw error
    }
    return result
  }

  /// Whether SQLite has no transaction open on this connection (it is in autocommit mode).
  public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

  /// Undoes the transaction or savepoint opened at `depth`. Errors are ignored: the caller rethrows the first
  /// one, and SQLite may already have rolled the whole transaction back after a disk-full or I/O error.
  private func rollBack(depth: Int, savepoint: String) {
    if depth == 0 {
      if !isAutocommit { try? executeScript("ROLLBACK TRANSACTION") }
    } else if !isAutocommit {
      try? executeScript("ROLLBACK TO SAVEPOINT \(savepoint)")
      try? executeScript("RELEASE SAVEPOINT \(savepoint)")
    }
  }

  func error(code: Int32, sql: String?) -> SQLiteError {
    SQLiteError(
      code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
  }
}
