/// Builds the query part of links (`?freshness=likely_stale&tenant=3`) with every name and value
/// percent-encoded, so a user-typed filter can never break out of the URL or the attribute around it.
public struct QueryString: Sendable, Equatable {
  /// Name/value pairs in the order they appear in the URL. Empty values are left out.
  public private(set) var items: [(name: String, value: String)]

  /// A query from pairs; pairs with an empty value are dropped (an unset filter is not a filter).
  public init(_ items: [(name: String, value: String)] = []) {
    self.items = items.filter { !$0.value.isEmpty }
  }

  /// Compares names and values in order.
  public static func == (lhs: QueryString, rhs: QueryString) -> Bool {
    lhs.items.map(\.name) == rhs.items.map(\.name) && lhs.items.map(\.value) == rhs.items.map(\.value)
  }

  /// A copy with `name` set to `value` (replacing earlier values of `name`; removed when `value` is nil/empty).
  public func setting(_ name: String, to value: String?) -> QueryString {
    var copy = items.filter { $0.name != name }
    if let value, !value.isEmpty { copy.append((name, value)) }
    return QueryString(copy)
  }

  /// A copy without `names`.
  public func removing(_ names: String...) -> QueryString {
    QueryString(items.filter { !names.contains($0.name) })
  }

  /// Whether no pairs are set.
  public var isEmpty: Bool { items.isEmpty }

  /// `name=value&…`, percent-encoded, without the leading `?`.
  public var encoded: String {
    items.map { "\(Self.percentEncode($0.name))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
  }

  /// `path` followed by `?query` when there is a query.
  public func url(path: String) -> String {
    isEmpty ? path : "\(path)?\(encoded)"
  }

  /// Percent-encodes everything except RFC 3986 unreserved characters.
  public static func percentEncode(_ text: String) -> String {
    var output = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        output += byte < 16 ? "%0\(hex)" : "%\(hex)"
      }
    }
    return output
  }
}
