/// A strict RFC 8259 parser straight into ``JSONValue``. Run lists decode context and evidence for every row,
/// and `JSONDecoder` into a value enum pays for a thrown `DecodingError` on each type it tries first; this
/// reads the bytes once instead.
///
/// Accepts exactly one JSON value surrounded by optional whitespace. Refuses: invalid UTF-8, control characters
/// in strings, bad escapes and lone surrogates, numbers outside the JSON grammar or beyond `Double`'s range,
/// and nesting deeper than ``maximumDepth`` (so hostile input cannot exhaust the stack). A repeated object key
/// keeps its last value.
public struct JSONParser {
  /// Why text is not JSON, with the byte offset where reading stopped.
  public struct Failure: Error, Equatable, CustomStringConvertible {
    /// What was wrong.
    public let reason: String
    /// Byte offset into the input.
    public let offset: Int
    /// "reason at byte N".
    public var description: String { "\(reason) at byte \(offset)" }
  }

  /// Deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 256

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// Parses `bytes` (UTF-8) as one JSON value.
  public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
    var parser = JSONParser(bytes: Array(bytes))
    parser.skipWhitespace()
    let value = try parser.value()
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text after the value") }
    return value
  }

  private func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: index) }

  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
  }

  private mutating func value() throws(Failure) -> JSONValue {
    switch current {
    case UInt8(ascii: "{")?:
      return try nested { (parser: inout JSONParser) throws(Failure) in try parser.object() }
    case UInt8(ascii: "[")?:
      return try nested { (parser: inout JSONParser) throws(Failure) in try parser.array() }
    case UInt8(ascii: "\"")?: return .string(try string())
    case UInt8(ascii: "t")?: return try literal("true", .bool(true))
    case UInt8(ascii: "f")?: return try literal("false", .bool(false))
    case UInt8(ascii: "n")?: return try literal("null", .null)
    case let byte? where byte == UInt8(ascii: "-") || Self.isDigit(byte): return .number(try number())
    case nil: throw failure("unexpected end of input")
    default: throw failure("unexpected character")
    }
  }

  private mutating func nested(
    _ body: (inout JSONParser) throws(Failure) -> JSONValue
  ) throws(Failure) -> JSONValue {
    depth += 1
    guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth)") }
    defer { depth -= 1 }
    return try body(&self)
  }

  private mutating func object() throws(Failure) -> JSONValue {
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw failure("expected a member name") }
      let key = try string()
      skipWhitespace()
      try expect(UInt8(ascii: ":"), "expected ':' after a member name")
      skipWhitespace()
      members[key] = try value()
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
      return .object(members)
    }
  }

  private mutating func array() throws(Failure) -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try value())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        index += 1
        continue
      }
      try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
      return .array(items)
    }
  }

  private mutating func expect(_ byte: UInt8, _ reason: String) throws(Failure) {
    guard current == byte else { throw failure(reason) }
    index += 1
  }

  private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
    let count = word.utf8CodeUnitCount
    let matches =
      index + count <= bytes.count
      && word.withUTF8Buffer { expected in (0..<count).allSatisfy { bytes[index + $0] == expected[$0] } }
    guard matches else { throw failure("unexpected character") }
    index += count
    return value
  }

  /// A number per the JSON grammar: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
  private mutating func number() throws(Failure) -> Double {
    let start = index
    if current == UInt8(ascii: "-") { index += 1 }
    guard let first = current, Self.isDigit(first) else { throw failure("expected a digit") }
    index += 1
    if first != UInt8(ascii: "0") { skipDigits() }
    if current == UInt8(ascii: ".") {
      index += 1
      try requireDigits()
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      index += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
      try requireDigits()
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    guard let number = Double(text), number.isFinite else {
      throw Failure(reason: "number out of range", offset: start)
    }
    return number
  }

  private mutating func skipDigits() {
    while let byte = current, Self.isDigit(byte) { index += 1 }
  }

  private mutating func requireDigits() throws(Failure) {
    guard let byte = current, Self.isDigit(byte) else { throw failure("expected a digit") }
    skipDigits()
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// A string; `index` is at its opening quote. Runs without escapes are copied as they are.
  private mutating func string() throws(Failure) -> String {
    index += 1
    var scalars: [UInt8] = []
    var runStart = index
    while true {
      guard let byte = current else { throw failure("unterminated string") }
      switch byte {
      case UInt8(ascii: "\""):
        scalars.append(contentsOf: bytes[runStart..<index])
        index += 1
        guard let text = String(validating: scalars, as: UTF8.self) else {
          throw failure("invalid UTF-8 in a string")
        }
        return text
      case UInt8(ascii: "\\"):
        scalars.append(contentsOf: bytes[runStart..<index])
        index += 1
        try escape(into: &scalars)
        runStart = index
      case 0x00..<0x20:
        throw failure("control character in a string")
      default:
        index += 1
      }
    }
  }

  /// One escape sequence after its backslash, appended as UTF-8.
  private mutating func escape(into output: inout [UInt8]) throws(Failure) {
    guard let byte = current else { throw failure("unterminated string") }
    index += 1
    let simple: UInt8? =
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
      case UInt8(ascii: "b"): 0x08
      case UInt8(ascii: "f"): 0x0C
      case UInt8(ascii: "n"): 0x0A
      case UInt8(ascii: "r"): 0x0D
      case UInt8(ascii: "t"): 0x09
      default: nil
      }
    if let simple {
      output.append(simple)
      return
    }
    guard byte == UInt8(ascii: "u") else { throw failure("invalid escape") }
    var code = try hexQuad()
    if (0xD800...0xDBFF).contains(code) {
      guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
      else {
        throw failure("lone surrogate")
      }
      index += 2
      let low = try hexQuad()
      guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate") }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00...0xDFFF).contains(code) {
      throw failure("lone surrogate")
    }
    guard let scalar = Unicode.Scalar(code) else { throw failure("invalid escape") }
    output.append(contentsOf: String(scalar).utf8)
  }

  private mutating func hexQuad() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count else { throw failure("invalid \\u escape") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure("invalid \\u escape")
      }
      code = code << 4 | UInt32(digit)
      index += 1
    }
    return code
  }
}
