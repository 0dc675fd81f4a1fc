import Foundation

/// The column names of a result, shared by its rows, looked up by hash.
public final class PostgresRowLayout: Sendable {
  /// Column names in result order.
  public let names: [String]
  private let positions: [String: Int]

  init(names: [String]) {
    self.names = names
    var positions: [String: Int] = [:]
    for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
    self.positions = positions
  }

  /// The position of the column named `name`.
  public func index(of name: String) -> Int? { positions[name] }
}

/// One result row, copied out of the result so it outlives it.
public struct PostgresRow: Sendable {
  /// Column names, shared with the other rows of the same result.
  public let layout: PostgresRowLayout
  /// Values in result order.
  public let values: [PostgresValue]

  /// The value of the column named `name` (NULL when absent).
  public subscript(name: String) -> PostgresValue {
    guard let index = layout.index(of: name), index < values.count else { return .null }
    return values[index]
  }

  /// The value at `index`.
  public subscript(index: Int) -> PostgresValue { index < values.count ? values[index] : .null }

  /// Integer column, or nil when NULL or not an integer.
  public func int64(_ name: String) -> Int64? {
    if case .integer(let value) = self[name] { return value }
    return nil
  }

  /// Text column, or nil when NULL or not text.
  public func string(_ name: String) -> String? {
    if case .text(let value) = self[name] { return value }
    return nil
  }

  /// Boolean column, or nil when NULL or not a boolean.
  public func bool(_ name: String) -> Bool? {
    if case .boolean(let value) = self[name] { return value }
    return nil
  }

  /// `timestamptz` column, or nil when NULL or not an instant.
  public func date(_ name: String) -> Date? {
    if case .timestamp(let value) = self[name] { return value }
    return nil
  }
}
