import Foundation

/// The column names of a statement's result, shared by every row it returns and looked up by hash: reading a
/// run's twenty-odd columns by name was a linear search with a string comparison per column, and building the
/// names again for every row was a third of a list page's decoding.
public final class RowLayout: Sendable {
  /// Column names in result order.
  public let names: [String]
  private let positions: [String: Int]

  /// Creates a layout; the first of two equal names wins, as in SQLite's own name lookup.
  public init(names: [String]) {
    self.names = names
    var positions: [String: Int] = [:]
    for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
    self.positions = positions
  }

  /// The position of the column named `name`.
  public func index(of name: String) -> Int? { positions[name] }
}

/// One result row, copied out of the statement so it outlives the step.
public struct Row: Sendable {
  /// Column names, shared with the other rows of the same result.
  public let layout: RowLayout
  /// Values in result order.
  public let values: [SQLValue]

  /// Column names in result order.
  public var columns: [String] { layout.names }

  /// Creates a row.
  public init(columns: [String], values: [SQLValue]) {
    self.init(layout: RowLayout(names: columns), values: values)
  }

  /// Creates a row with a shared layout.
  public init(layout: RowLayout, values: [SQLValue]) {
    self.layout = layout
    self.values = values
  }

  /// The value of the column named `name` (NULL when absent).
  public subscript(name: String) -> SQLValue {
    guard let index = layout.index(of: name), index < values.count else { return .null }
    return values[index]
  }

  /// The value at `index`.
  public subscript(index: Int) -> SQLValue { values[index] }

  /// Integer column at `index` (result order), or nil when NULL: for fixed column lists read on hot paths.
  public func int64(at index: Int) -> Int64? {
    Self.int64(index < values.count ? values[index] : .null)
  }

  /// Text column at `index` (result order), or nil when NULL.
  public func string(at index: Int) -> String? {
    Self.string(index < values.count ? values[index] : .null)
  }

  /// Timestamp column at `index` (result order), or nil when NULL.
  public func date(at index: Int) -> Date? {
    Self.date(index < values.count ? values[index] : .null)
  }

  /// Integer column, or nil when NULL.
  public func int64(_ name: String) -> Int64? {
    Self.int64(self[name])
  }

  private static func int64(_ value: SQLValue) -> Int64? {
    switch value {
    case .integer(let value): value
    case .real(let value): Int64(value)
    case .text(let text): Int64(text)
    case .timestamp(let date): date.epochMilliseconds
    default: nil
    }
  }

  /// Text column, or nil when NULL.
  public func string(_ name: String) -> String? {
    Self.string(self[name])
  }

  private static func string(_ value: SQLValue) -> String? {
    switch value {
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

  /// Timestamp column, or nil when NULL.
  public func date(_ name: String) -> Date? {
    Self.date(self[name])
  }

  /// An instant: PostgreSQL's `timestamptz`, or SQLite's integer milliseconds since the Unix epoch.
  private static func date(_ value: SQLValue) -> Date? {
    if case .timestamp(let date) = value { return date }
    return int64(value).map { Date(epochMilliseconds: $0) }
  }
}
