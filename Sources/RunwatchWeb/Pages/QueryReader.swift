import Foundation
import HTTPServer
import RunwatchTemplates

/// A query parameter whose value is not accepted; the handler answers 400 naming `name`.
struct BadParameter: Error, Equatable {
  /// The parameter's name (a constant of ours, never user input).
  let name: String
}

/// Reads GET parameters at the edge: each value is allow-listed before any query runs. An empty value means
/// "no filter" (the filter forms submit empty selects); a value outside the allow-list, or one name given
/// twice with different values, is a `BadParameter`. Names we do not know are ignored (other layers, such
/// as the workspace switch, read their own).
struct QueryReader {
  let query: QueryParameters

  /// The one non-empty value of `name`, or nil.
  func value(_ name: String) throws(BadParameter) -> String? {
    let values = Set(query.all(name).filter { !$0.isEmpty })
    guard values.count <= 1 else { throw BadParameter(name: name) }
    return values.first
  }

  /// The value of `name` converted by `parse`; nil when absent or empty, `BadParameter` when `parse` refuses.
  func value<T>(_ name: String, _ parse: (String) -> T?) throws(BadParameter) -> T? {
    guard let text = try value(name) else { return nil }
    guard let parsed = parse(text) else { throw BadParameter(name: name) }
    return parsed
  }

  /// An RFC 3339 UTC instant with seconds (`2026-12-01T07:00:00Z`), as the pages write them; anything else
  /// (another zone, fractions, a date alone, years outside 1970–9999) is refused.
  static func utcInstant(_ text: String) -> Date? {
    guard text.utf8.count == 20, text.hasSuffix("Z"),
      let date = ISO8601DateFormatter().date(from: text),
      date.timeIntervalSince1970 >= 0
    else { return nil }
    return date
  }

  /// A positive id (1–18 digits, the same allow-list as `:id(id)` path parameters).
  func id(_ name: String) throws(BadParameter) -> Int64? {
    try value(name) { Int64(pathParameter: $0) }
  }

  /// The keyset cursor: `before` (older) or `after` (newer), at most one of them.
  func cursor() throws(BadParameter) -> (before: Int64?, after: Int64?) {
    let before = try id(KeysetPage.olderParameter)
    let after = try id(KeysetPage.newerParameter)
    if before != nil && after != nil { throw BadParameter(name: KeysetPage.newerParameter) }
    return (before, after)
  }
}
