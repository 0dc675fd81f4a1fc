/// Ordered HTTP header fields with case-insensitive names. Repeated names are kept (several
/// `Set-Cookie` lines must each reach the client), so this is a list, not a dictionary.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
  /// One header line as given: the name keeps the spelling it was added with.
  public struct Field: Sendable, Equatable {
    /// Header name, e.g. `Content-Type`.
    public var name: String
    /// Header value.
    public var value: String
  }

  private var fields: [Field] = []

  /// An empty header list.
  public init() {}

  /// Headers from name/value pairs, in order.
  public init(_ pairs: [(String, String)]) {
    for (name, value) in pairs { add(name, value) }
  }

  /// Headers from a literal, in source order.
  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements)
  }

  /// The first value for `name` (case-insensitive), or nil.
  public subscript(name: String) -> String? {
    fields.first { Self.same($0.name, name) }?.value
  }

  /// Every value for `name` in order (case-insensitive).
  public func all(_ name: String) -> [String] {
    fields.filter { Self.same($0.name, name) }.map(\.value)
  }

  /// True when at least one field named `name` exists.
  public func contains(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }

  /// Appends a field, keeping any existing ones with the same name.
  public mutating func add(_ name: String, _ value: String) {
    fields.append(Field(name: name, value: value))
  }

  /// Replaces every field named `name` with one field holding `value`.
  public mutating func set(_ name: String, _ value: String) {
    remove(name)
    add(name, value)
  }

  /// Removes every field named `name`.
  public mutating func remove(_ name: String) {
    fields.removeAll { Self.same($0.name, name) }
  }

  /// Number of fields, counting repeats.
  public var count: Int { fields.count }

  /// Iterates fields in insertion order.
  public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

  private static func same(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
  }
}
