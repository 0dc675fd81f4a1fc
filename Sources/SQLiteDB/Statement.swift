import CSQLite

/// A prepared statement. Owns its `sqlite3_stmt` and finalizes it in `deinit`.
public final class Statement {
  let handle: OpaquePointer
  /// The SQL text, for error messages.
  public let sql: String
  private unowned let connection: Connection

  init(connection: Connection, sql: String) throws(SQLiteError) {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v3(
      connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard code == SQLITE_OK, let statement else {
      throw connection.error(code: code, sql: sql)
    }
    self.handle = statement
    self.sql = sql
    self.connection = connection
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `arguments` to the positional parameters (1-based), replacing earlier bindings.
  public func bind(_ arguments: [any SQLBindable]) throws(SQLiteError) {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    let expected = Int(sqlite3_bind_parameter_count(handle))
    guard expected == arguments.count else {
      throw SQLiteError(
        code: SQLITE_RANGE, message: "expected \(expected) arguments, got \(arguments.count)", sql: sql)
    }
    for (offset, argument) in arguments.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch argument.sqlValue {
      case .null: code = sqlite3_bind_null(handle, index)
      case .integer(let value): code = sqlite3_bind_int64(handle, index, value)
      case .real(let value): code = sqlite3_bind_double(handle, index, value)
      case .text(let text): code = Self.bindText(text, to: handle, at: index)
      case .blob(let bytes):
        code = bytes.withUnsafeBytes {
          sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), csqlite_transient())
        }
      case .timestamp(let date): code = sqlite3_bind_int64(handle, index, date.epochMilliseconds)
      }
      guard code == SQLITE_OK else { throw connection.error(code: code, sql: sql) }
    }
  }

  /// Steps once: returns the next row, or nil when done.
  public func step() throws(SQLiteError) -> Row? {
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW:
      return currentRow()
    case SQLITE_DONE:
      sqlite3_reset(handle)
      return nil
    default:
      let error = connection.error(code: code, sql: sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  /// Runs to completion and returns every row.
  public func all() throws(SQLiteError) -> [Row] {
    var rows: [Row] = []
    while let row = try step() { rows.append(row) }
    return rows
  }

  /// Binds `text` with its exact UTF-8 byte count, so an embedded NUL is stored rather than ending the value
  /// (a length of −1 makes SQLite stop at the first NUL: `"a\u{0}b"` would have matched `"a"`).
  private static func bindText(_ text: String, to handle: OpaquePointer, at index: Int32) -> Int32 {
    var text = text
    return text.withUTF8 { bytes in
      // An empty buffer may have no address, and a NULL pointer would bind SQL NULL instead of ''.
      guard let base = bytes.baseAddress, !bytes.isEmpty else {
        return sqlite3_bind_text64(handle, index, "", 0, csqlite_transient(), UInt8(SQLITE_UTF8))
      }
      return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        sqlite3_bind_text64(
          handle, index, $0, sqlite3_uint64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
      }
    }
  }

  /// A text column by its byte count (`sqlite3_column_bytes`, asked after `sqlite3_column_text` as SQLite
  /// requires), not by `strlen`, so text holding a NUL comes back whole.
  private func columnText(at index: Int32) -> String {
    guard let pointer = sqlite3_column_text(handle, index) else { return "" }
    let length = Int(sqlite3_column_bytes(handle, index))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
  }

  /// The result's column names, read once per prepared statement (SQLite keeps them for its lifetime; a
  /// schema change that re-prepares it with another column count builds them again).
  private var layout: RowLayout?

  private func rowLayout(count: Int32) -> RowLayout {
    if let layout, layout.names.count == Int(count) { return layout }
    let names = (0..<count).map { String(cString: sqlite3_column_name(handle, $0)) }
    let built = RowLayout(names: names)
    layout = built
    return built
  }

  private func currentRow() -> Row {
    let count = sqlite3_column_count(handle)
    let layout = rowLayout(count: count)
    var values: [SQLValue] = []
    values.reserveCapacity(Int(count))
    for index in 0..<count {
      switch sqlite3_column_type(handle, index) {
      case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, index)))
      case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(handle, index)))
      case SQLITE_TEXT: values.append(.text(columnText(at: index)))
      case SQLITE_BLOB:
        let length = Int(sqlite3_column_bytes(handle, index))
        if let pointer = sqlite3_column_blob(handle, index), length > 0 {
          values.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: length))))
        } else {
          values.append(.blob([]))
        }
      default: values.append(.null)
      }
    }
    return Row(layout: layout, values: values)
  }
}
