/// A failure reported by libpq or the server: the SQLSTATE when the server sent one, its message, and the SQL
/// that failed (never the bound values, which may be user data).
public struct PostgresError: DatabaseFault, Sendable, Equatable {
  /// The five-character SQLSTATE (`23505` unique violation, `40001` serialization failure…), nil for a
  /// failure on the client side (no connection, a broken socket).
  public let sqlState: String?
  /// The server's or libpq's message, trimmed.
  public let message: String
  /// The statement that failed, if any.
  public let sql: String?

  /// Creates an error.
  public init(sqlState: String?, message: String, sql: String? = nil) {
    self.sqlState = sqlState
    self.message = message
    self.sql = sql
  }

  /// Whether trying again later may succeed with nothing else changed: the connection is gone (no SQLSTATE,
  /// or class 08), the server is shutting down or short of resources (57P01–57P03, class 53), or the
  /// transaction lost a serialization race or a deadlock (40001, 40P01).
  public var isTransient: Bool {
    guard let sqlState else { return true }
    return sqlState.hasPrefix("08") || sqlState.hasPrefix("53")
      || ["40001", "40P01", "57P01", "57P02", "57P03"]
        .contains(sqlState)
  }

  /// A unique or exclusion constraint refused the row (`23505`, `23P01`).
  public var isUniqueViolation: Bool { sqlState == "23505" || sqlState == "23P01" }

  /// The disk is full (`53100`).
  public var isDiskFull: Bool { sqlState == "53100" }

  /// An integrity constraint refused the statement (class 23: unique, foreign key, check, not null).
  public var isConstraintViolation: Bool { sqlState?.hasPrefix("23") ?? false }

  public var description: String {
    var text = sqlState.map { "PostgreSQL error \($0): \(message)" } ?? "PostgreSQL error: \(message)"
    if let sql { text += " (in: \(sql))" }
    return text
  }
}
