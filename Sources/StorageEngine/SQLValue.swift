import Foundation

/// A value bound to or read from either engine.
///
/// Instants travel as `.timestamp`: SQLite stores them as integer milliseconds since the Unix epoch, PostgreSQL
/// as `timestamptz`. Each engine converts at its own boundary, so store code binds a `Date` and reads one back
/// with `Row.date` whichever engine holds it.
public enum SQLValue: Sendable, Equatable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
  case timestamp(Date)
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
  ExpressibleByFloatLiteral
{
  /// An integer literal.
  public init(integerLiteral value: Int64) { self = .integer(value) }
  /// A string literal.
  public init(stringLiteral value: String) { self = .text(value) }
  /// `nil` binds NULL.
  public init(nilLiteral: ()) { self = .null }
  /// A floating-point literal.
  public init(floatLiteral value: Double) { self = .real(value) }
}

/// Types that bind as an SQL value.
public protocol SQLBindable: Sendable {
  /// The value to bind.
  var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
  /// Itself.
  public var sqlValue: SQLValue { self }
}
extension Int64: SQLBindable {
  /// An integer.
  public var sqlValue: SQLValue { .integer(self) }
}
extension Int: SQLBindable {
  /// An integer.
  public var sqlValue: SQLValue { .integer(Int64(self)) }
}
extension Double: SQLBindable {
  /// A real.
  public var sqlValue: SQLValue { .real(self) }
}
extension String: SQLBindable {
  /// Text.
  public var sqlValue: SQLValue { .text(self) }
}
extension Bool: SQLBindable {
  /// 1 or 0.
  public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}
extension Date: SQLBindable {
  public var sqlValue: SQLValue { .timestamp(self) }
}
extension Date {
  /// Milliseconds since the Unix epoch, rounded to the nearest: how SQLite stores an instant.
  public var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

  /// The instant `milliseconds` after the Unix epoch.
  public init(epochMilliseconds milliseconds: Int64) {
    self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
  }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
  /// NULL or the wrapped value.
  public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
