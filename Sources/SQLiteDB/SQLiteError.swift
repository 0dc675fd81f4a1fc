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

  /// One line: code, message and SQL.
  public var description: String {
    if let sql { return "SQLite error \(code): \(message) — in: \(sql)" }
    return "SQLite error \(code): \(message)"
  }
}
