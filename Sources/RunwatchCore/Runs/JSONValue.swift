import Foundation

/// A JSON document held as a value: run context, evidence, audit metadata, late-report payloads.
public enum JSONValue: Sendable, Equatable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// An empty JSON object.
  public static let emptyObject = JSONValue.object([:])

  /// Parses JSON text; returns `nil` when the text is not valid JSON.
  public init?(jsonText: String) {
    guard let value = try? JSONParser.parse(jsonText.utf8) else { return nil }
    self = value
  }

  /// Compact JSON text with sorted keys (stable for storage and comparison).
  public var jsonText: String { render(pretty: false) }

  /// Indented JSON text with sorted keys, for people to read.
  public var prettyJSONText: String { render(pretty: true) }

  /// The member named `key` when this is an object.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  /// The string payload, if this is a string.
  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The number payload, if this is a number.
  public var numberValue: Double? {
    if case .number(let number) = self { return number }
    return nil
  }

  /// The members, if this is an object.
  public var objectValue: [String: JSONValue]? {
    if case .object(let members) = self { return members }
    return nil
  }

  /// Byte for byte what `JSONEncoder` wrote with sorted keys and unescaped slashes (see `JSONWriter`).
  private func render(pretty: Bool) -> String {
    JSONWriter.text(self, style: pretty ? .pretty : .compact)
  }
}

extension JSONValue: Codable {
  /// Decodes any JSON value.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let items = try? container.decode([JSONValue].self) {
      self = .array(items)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// Encodes the value; whole numbers are written without a fraction.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let flag): try container.encode(flag)
    case .number(let number):
      if number.rounded() == number, abs(number) < 9e15 {
        try container.encode(Int64(number))
      } else {
        try container.encode(number)
      }
    case .string(let text): try container.encode(text)
    case .array(let items): try container.encode(items)
    case .object(let members): try container.encode(members)
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral,
  ExpressibleByFloatLiteral
{
  /// A string literal.
  public init(stringLiteral value: String) { self = .string(value) }
  /// An integer literal.
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  /// A floating-point literal.
  public init(floatLiteral value: Double) { self = .number(value) }
  /// A Boolean literal.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  /// A dictionary literal becomes an object.
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
  /// An array literal.
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  /// `nil` becomes JSON null.
  public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
  /// A timestamp as RFC 3339 UTC text (`2026-11-22T10:00:00Z`).
  public static func timestamp(_ date: Date) -> JSONValue { .string(RFC3339.string(from: date)) }
}
