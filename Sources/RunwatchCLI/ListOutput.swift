import Foundation
import RunwatchCore

/// How the `list` commands print: one tab-separated line per item on stdout under a header on stderr (so
/// `cut`, `awk` and `grep` see items only), or with `--json` one JSON array of objects on stdout.
struct ListOutput {
  /// Column names of the table (the header line).
  let columns: [String]
  /// One row of cells per item, in `columns` order.
  var rows: [[String]] = []
  /// One JSON object per item.
  var objects: [JSONValue] = []

  /// Adds an item as its table cells and its JSON object.
  mutating func add(cells: [String], object: [String: JSONValue]) {
    rows.append(cells)
    objects.append(.object(object))
  }

  /// Prints the items through `CommandIO.current`.
  func print(json: Bool) {
    if json {
      CommandIO.current.output(JSONValue.array(objects).prettyJSONText)
      return
    }
    CommandIO.current.message(columns.joined(separator: "\t"))
    for row in rows {
      // A tab or line break inside a cell would split the line: shown as a space.
      CommandIO.current.output(
        row.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
          .joined(separator: "\t"))
    }
  }

  /// An instant as the lists print it (RFC 3339, UTC).
  static func timestamp(_ date: Date?) -> String { date.map(RFC3339.string(from:)) ?? "-" }
}
