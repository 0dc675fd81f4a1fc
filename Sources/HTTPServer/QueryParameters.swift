/// Ordered multi-map of decoded `name=value` pairs from a query string or a form body.
/// Order and repeats are kept because filters such as `?status=a&status=b` are meaningful.
public struct QueryParameters: Sendable, Equatable, Sequence {
  /// One decoded pair.
  public struct Pair: Sendable, Equatable {
    /// Decoded name.
    public var name: String
    /// Decoded value; empty for a bare `name` without `=`.
    public var value: String
  }

  /// The pairs in the order they appeared.
  public private(set) var pairs: [Pair]

  /// Parameters from already-decoded pairs (useful in tests).
  public init(_ pairs: [(String, String)] = []) {
    self.pairs = pairs.map { Pair(name: $0.0, value: $0.1) }
  }

  /// Parses `a=1&b=2&a=3` (no leading `?`). `+` means space and escapes are decoded leniently;
  /// empty segments are skipped.
  public init(parsing encoded: Substring) {
    pairs = []
    for segment in encoded.split(separator: "&", omittingEmptySubsequences: true) {
      let name: Substring
      let value: Substring
      if let equals = segment.firstIndex(of: "=") {
        name = segment[..<equals]
        value = segment[segment.index(after: equals)...]
      } else {
        name = segment
        value = ""
      }
      pairs.append(
        Pair(
          name: PercentDecoding.decode(name, plusAsSpace: true),
          value: PercentDecoding.decode(value, plusAsSpace: true)))
    }
  }

  /// Parses a query string or form body held in a `String`.
  public init(parsing encoded: String) { self.init(parsing: encoded[...]) }

  /// The first value for `name`, or nil.
  public func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

  /// Every value for `name`, in order.
  public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

  /// True when no pair exists.
  public var isEmpty: Bool { pairs.isEmpty }

  /// Iterates pairs in order.
  public func makeIterator() -> IndexingIterator<[Pair]> { pairs.makeIterator() }
}
