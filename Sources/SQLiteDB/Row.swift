import Foundation

/// One result row, copied out of the statement so it outlives the step.
public struct Row: Sendable {
  /// Column names in result order.
  public let columns: [String]
  /// Values in result order.
  public let values: [SQLValue]

  /// Creates a row.
  public init(columns: [String], values: [SQLValue]) {
    self.columns = columns
    self.values = values
  }

  /// The value of the column named `name` (NULL when absent).
  public subscript(name: String) -> SQLValue {
    guard let index = columns.firstIndex(of: name) else { return .null }
    return values[index]
  }

  /// The value at `index`.
  public subscript(index: Int) -> SQLValue { values[index] }

  /// Integer column, or nil when NULL.
  public func int64(_ name: String) -> Int64? {
    switch self[name] {
    case .integer(let value): value
    case .real(let value): Int64(value)
    case .text(let text): Int64(text)
    default: nil
    }
  }

  /// Text column, or nil when NULL.
  public func string(_ name: String) -> String? {
    switch self[name] {
    case .text(let text): text
    case .integer(let value): String(value)
    case .real(let value): String(value)
    default: nil
    }
  }

  /// Real column, or nil when NULL.
  public func double(_ name: String) -> Double? {
    switch self[name] {
    case .real(let value): value
    case .integer(let value): Double(value)
    default: nil
    }
  }

  /// Timestamp column stored as Unix epoch milliseconds, or nil when NULL.
  public func date(_ name: String) -> Date? {
    int64(name).map { Date(timeIntervalSince1970: Double($0) / 1000) }
  }
}
