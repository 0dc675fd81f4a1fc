import Foundation
import HTTPServer
import RunwatchTemplates

/// Query parameters that are not accepted (a refused value, or a name the page does not know); the handler
/// answers 400 naming every one of them.
struct BadParameter: Error, Equatable {
  /// The parameters' names, in the order found.
  let names: [String]

  /// One refused parameter (its name is a constant of ours, never user input).
  init(name: String) { names = [name] }

  /// Several at once.
  init(names: [String]) { self.names = names }

  /// The first name.
  var name: String { names[0] }
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

  /// A creation-time bound as people write it, relative to `now`: a quick range (`30m`, `1h`, `24h`, `7d`;
  /// 1–9,999 of minutes, hours or days, back from now), a date (`2026-12-05`, UTC; the start of that day, or
  /// with `wholeDay` the end of it, so "before 2026-12-05" keeps that day's runs), or an RFC 3339 UTC instant.
  static func timeBound(_ text: String, now: Date, wholeDay: Bool = false) -> TimeBound? {
    if let unit = text.last, let amount = Int(text.dropLast()), amount >= 1, amount <= 9_999,
      text.utf8.count <= 5, text.first?.isNumber == true
    {
      let seconds: Double
      switch unit {
      case "m": seconds = 60
      case "h": seconds = 3_600
      case "d": seconds = 86_400
      default: return nil
      }
      return TimeBound(text: text, instant: now.addingTimeInterval(-Double(amount) * seconds))
    }
    if text.utf8.count == 10, let day = utcInstant(text + "T00:00:00Z") {
      return TimeBound(text: text, instant: wholeDay ? day.addingTimeInterval(86_400) : day)
    }
    return utcInstant(text).map { TimeBound(text: text, instant: $0) }
  }

  /// A positive id (1–18 digits, the same allow-list as `:id(id)` path parameters).
  func id(_ name: String) throws(BadParameter) -> Int64? {
    try value(name) { Int64(pathParameter: $0) }
  }

  /// Names in the query that are not in `known`, each once, in order: a page answers them with the same 400
  /// as a refused value, because a misspelt filter silently ignored reads as "no such runs".
  func unknownNames(known: Set<String>) -> [String] {
    var seen: Set<String> = []
    return query.pairs.map(\.name).filter { !known.contains($0) && seen.insert($0).inserted }
  }

  /// The keyset cursor: `before` (older) or `after` (newer), at most one of them.
  func cursor() throws(BadParameter) -> (before: Int64?, after: Int64?) {
    let before = try id(KeysetPage.olderParameter)
    let after = try id(KeysetPage.newerParameter)
    if before != nil && after != nil { throw BadParameter(name: KeysetPage.newerParameter) }
    return (before, after)
  }
}

/// Reads several parameters and remembers every one refused, so a page answers one 400 naming them all.
struct BadParameterCollector {
  /// The refused parameters so far.
  private(set) var names: [String] = []

  /// `read()`'s value, or nil with its refused parameters remembered.
  mutating func read<T>(_ read: () throws(BadParameter) -> T?) -> T? {
    do {
      return try read()
    } catch {
      names += error.names
      return nil
    }
  }

  /// Throws one `BadParameter` naming everything refused, if anything was.
  func finish() throws(BadParameter) {
    if !names.isEmpty { throw BadParameter(names: names) }
  }

  /// Throws one `BadParameter` naming everything `collector` refused and the `unknown` names, if any.
  static func finish(_ collector: Self, unknown: [String]) throws(BadParameter) {
    let names = collector.names + unknown
    if !names.isEmpty { throw BadParameter(names: names) }
  }
}
