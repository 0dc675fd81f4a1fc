/// An error from SQLite: result code, SQLite's message and the SQL text (never the bound arguments,
/// which may hold user data).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
  /// SQLite result code (extended when available).
  public let code: Int32
  /// SQLite's own message.
  public let message: String
  /// The statement that failed, if any.
  public let sql: String?

  /// Creates an error.
  public init(code: Int32, message: String, sql: String? = nil) {
    self.code = code
    self.message = message
    self.sql = sql
  }

  /// Whether the error is a constraint violation (unique, check, foreign key…).
  public var isConstraintViolation: Bool { code & 0xff == 19 }

  /// Whether the error is a disk-full one (`SQLITE_FULL`, also returned when `max_page_count` is reached).
  public var isDiskFull: Bool { code & 0xff == 13 }

  /// Whether the error says the storage cannot take the request now but may later: the disk is full
  /// (`SQLITE_FULL`), an I/O error (`SQLITE_IOERR`), or a lock not granted within the busy timeout
  /// (`SQLITE_BUSY`, `SQLITE_LOCKED`). Callers answer these with 503 and `Retry-After`, not 500.
  public var isTransient: Bool { [5, 6, 10, 13].contains(code & 0xff) }

  /// One line: code, message and SQL.
  public var description: String {
    if let sql { return "SQLite error \(code): \(message) — in: \(sql)" }
    return "SQLite error \(code): \(message)"
  }
}
