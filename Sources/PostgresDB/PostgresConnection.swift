import CLibPQ
import Foundation
@_exported import StorageEngine

/// One PostgreSQL connection through libpq. Owns its `PGconn*` and closes it in `deinit`. Not thread-safe by
/// itself: `PostgresPool` hands each connection to one thread at a time.
///
/// Every statement is prepared once per connection (and per parameter types) and executed with bound
/// parameters only, in the binary format both ways (see `PostgresWire`). Parameters are written `?` / `?N`
/// as for SQLite and numbered for PostgreSQL here (`PostgresPlaceholders`). The URL is any libpq connection
/// string or URI, so every authentication method, `sslmode`, service files, `PG*` variables and `.pgpass` work
/// as with `psql`.
public final class PostgresConnection: DatabaseConnection {
  let handle: OpaquePointer
  private var statements: [StatementKey: String] = [:]
  private var transactionDepth = 0
  private var isDiscarded = false

  private struct StatementKey: Hashable {
    var sql: String
    var types: [UInt32]
  }

  /// Connects to `url` (a `postgresql://` URI or a `key=value` connection string).
  public init(url: String) throws(PostgresError) {
    guard let connection = PQconnectdb(url) else {
      throw PostgresError(sqlState: nil, message: "libpq could not allocate a connection")
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let message = Self.trimmed(PQerrorMessage(connection))
      PQfinish(connection)
      throw PostgresError(sqlState: nil, message: message)
    }
    // Notices ("relation already exists, skipping") are not errors, and libpq would print each on stderr.
    PQsetNoticeProcessor(connection, { _, _ in }, nil)
    handle = connection
  }

  deinit { PQfinish(handle) }

  /// Whether the connection is up and outside any transaction: fit to go back to a pool.
  public var isReusable: Bool {
    !isDiscarded && PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
  }

  /// Marks the connection unfit to go back to a pool (a session lock it could not release, say): the pool
  /// closes it, and the session's state goes with it.
  public func discard() { isDiscarded = true }

  /// Runs one statement with bound arguments and returns how many rows it changed (or returned).
  @discardableResult
  public func execute(_ sql: String, _ arguments: [any SQLBindable]) throws(PostgresError) -> Int {
    try run(sql, arguments) { result in Int(String(cString: PQcmdTuples(result))) ?? Int(PQntuples(result)) }
  }

  /// Runs one query with bound arguments and returns all rows.
  public func query(_ sql: String, _ arguments: [any SQLBindable]) throws(PostgresError) -> [Row] {
    try run(sql, arguments) { result throws(PostgresError) in try Self.rows(of: result, sql: sql) }
  }

  /// Runs one query and returns its first row, if any.
  public func queryOne(_ sql: String, _ arguments: [any SQLBindable]) throws(PostgresError) -> Row? {
    try query(sql, arguments).first
  }

  /// Runs statements without arguments and without preparing them (schema, `SET`): several may be given,
  /// separated by semicolons.
  public func executeScript(_ sql: String) throws(PostgresError) {
    guard let result = PQexec(handle, sql) else { throw clientError(sql: sql) }
    defer { PQclear(result) }
    try check(result, sql: sql)
  }

  /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows when it throws. Nested
  /// calls use savepoints.
  @discardableResult
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try transaction(begin: "BEGIN", body)
  }

  /// Runs `body` in a transaction opened with `begin` (an isolation level, `READ ONLY`…) when none is open,
  /// in a savepoint of the open one otherwise.
  @discardableResult
  public func transaction<T>(begin: String, _ body: () throws -> T) throws -> T {
    let depth = transactionDepth
    let savepoint = "rw_sp_\(depth)"
    try executeScript(depth == 0 ? begin : "SAVEPOINT \(savepoint)")
    transactionDepth = depth + 1
    defer { transactionDepth = depth }
    do {
      let result = try body()
      try executeScript(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)")
      return result
    } catch {
      if depth == 0 {
        try? executeScript("ROLLBACK")
      } else {
        try? executeScript("ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)")
      }
      throw error
    }
  }

  /// Prepares `sql` for these parameter types once, then executes it with `arguments` and hands the result
  /// to `read` before clearing it.
  private func run<T>(
    _ sql: String, _ arguments: [any SQLBindable], read: (OpaquePointer) throws(PostgresError) -> T
  ) throws(PostgresError) -> T {
    let encoded = arguments.map { PostgresWire.encode($0.sqlValue) }
    let types = encoded.map(\.oid)
    let name = try preparedName(sql: sql, types: types)
    // All parameter bytes in one buffer (never empty, so it always has an address), pointers into it.
    var storage: [UInt8] = [0]
    var offsets: [Int?] = []
    for parameter in encoded {
      if let bytes = parameter.bytes {
        offsets.append(storage.count)
        storage.append(contentsOf: bytes)
      } else {
        offsets.append(nil)
      }
    }
    let lengths = encoded.map { Int32($0.bytes?.count ?? 0) }
    let formats = [Int32](repeating: 1, count: encoded.count)
    let result = storage.withUnsafeBufferPointer { buffer -> OpaquePointer? in
      let base = UnsafeRawPointer(buffer.baseAddress!)
      let values: [UnsafePointer<CChar>?] = offsets.map { offset in
        offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
      }
      return PQexecPrepared(handle, name, Int32(encoded.count), values, lengths, formats, 1)
    }
    guard let result else { throw clientError(sql: sql) }
    defer { PQclear(result) }
    try check(result, sql: sql)
    return try read(result)
  }

  /// The server-side name of `sql` prepared for `types`, preparing it on first use.
  private func preparedName(sql: String, types: [UInt32]) throws(PostgresError) -> String {
    let key = StatementKey(sql: sql, types: types)
    if let name = statements[key] { return name }
    let name = "rw_\(statements.count + 1)"
    let prepared = types.withUnsafeBufferPointer { buffer in
      PQprepare(handle, name, PostgresPlaceholders.rewrite(sql), Int32(types.count), buffer.baseAddress)
    }
    guard let prepared else { throw clientError(sql: sql) }
    defer { PQclear(prepared) }
    try check(prepared, sql: sql)
    statements[key] = name
    return name
  }

  private func check(_ result: OpaquePointer, sql: String) throws(PostgresError) {
    let status = PQresultStatus(result)
    guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK, status != PGRES_EMPTY_QUERY else { return }
    let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
    // The primary message only: the DETAIL line can quote the row's values ("Key (email)=(…) already
    // exists"), and errors end up in logs.
    let message =
      PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { Self.trimmed($0) }
      ?? PQresultErrorMessage(result).map { Self.trimmed($0) } ?? "statement failed"
    throw PostgresError(
      sqlState: state, message: message.isEmpty ? Self.trimmed(PQerrorMessage(handle)) : message, sql: sql)
  }

  private func clientError(sql: String) -> PostgresError {
    PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: sql)
  }

  private static func rows(of result: OpaquePointer, sql: String) throws(PostgresError) -> [Row] {
    let columnCount = PQnfields(result)
    let layout = RowLayout(names: (0..<columnCount).map { String(cString: PQfname(result, $0)) })
    let types = (0..<columnCount).map { PQftype(result, $0) }
    var rows: [Row] = []
    rows.reserveCapacity(Int(PQntuples(result)))
    for row in 0..<PQntuples(result) {
      var values: [SQLValue] = []
      values.reserveCapacity(Int(columnCount))
      for column in 0..<columnCount {
        if PQgetisnull(result, row, column) != 0 {
          values.append(.null)
          continue
        }
        let length = Int(PQgetlength(result, row, column))
        let value = PQgetvalue(result, row, column).withMemoryRebound(to: UInt8.self, capacity: length) {
          PostgresWire.decode(UnsafeBufferPointer(start: $0, count: length), oid: types[Int(column)])
        }
        guard let value else {
          throw PostgresError(
            sqlState: nil,
            message:
              "column \(layout.names[Int(column)]) has type OID \(types[Int(column)]), which is not read",
            sql: sql)
        }
        values.append(value)
      }
      rows.append(Row(layout: layout, values: values))
    }
    return rows
  }

  private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
    guard let text else { return "" }
    return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
