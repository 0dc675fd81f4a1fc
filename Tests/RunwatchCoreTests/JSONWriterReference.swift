import Foundation

@testable import RunwatchCore

/// How `JSONValue` rendered its text before `JSONWriter`: through its `Encodable` conformance and
/// `JSONEncoder`. Kept here, and only here, as the reference the writer must match byte for byte.
enum JSONEncoderReference {
  static func text(_ value: JSONValue, pretty: Bool) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      pretty
      ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
      return "null"
    }
    return pretty ? compactingEmptyContainers(text) : text
  }

  /// The encoder's pretty text with each empty array or object written `[]` / `{}` (`JSONWriter`'s one
  /// departure from it). Strings never hold a raw newline (they escape it), so the pattern only meets layout.
  static func compactingEmptyContainers(_ text: String) -> String {
    text.replacingOccurrences(of: #"\[\n *\n *\]"#, with: "[]", options: .regularExpression)
      .replacingOccurrences(of: #"\{\n *\n *\}"#, with: "{}", options: .regularExpression)
  }
}

/// Random `JSONValue` trees for the writer's property tests, reproducible from a seed (SplitMix64).
struct RandomJSON {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

  /// A tree at most `depth` containers deep, with scalars of every kind at the leaves.
  mutating func value(depth: Int) -> JSONValue {
    let kind = depth > 0 ? below(10) : below(6)
    switch kind {
    case 0: return .null
    case 1: return .bool(below(2) == 0)
    case 2, 3: return .number(number())
    case 4, 5: return .string(string(maximumLength: 12))
    case 6, 7: return .array((0..<below(6)).map { _ in value(depth: depth - 1) })
    default:
      var members: [String: JSONValue] = [:]
      for _ in 0..<below(7) { members[key()] = value(depth: depth - 1) }
      return .object(members)
    }
  }

  /// A chain of `depth` nested containers (alternating kinds) around `leaf`.
  mutating func chain(depth: Int, leaf: JSONValue) -> JSONValue {
    var value = leaf
    for _ in 0..<depth { value = below(2) == 0 ? .array([value]) : .object([key(): value]) }
    return value
  }

  /// Every number shape: small and large integers, both sides of 9e15 and 2^53, fractions, exponents,
  /// subnormals, extremes, negative zero, and arbitrary finite bit patterns.
  mutating func number() -> Double {
    switch below(12) {
    case 0: return Double(below(2001) - 1000)
    case 1: return pick([0, -0.0, 1, -1, 1200, 0.5, -0.5, 1e21, 1e-7, 0.1, 100.25, 2.5e-5])
    case 2: return pick([9e15, -9e15, 9e15 - 1, 9e15 + 2, 8_999_999_999_999_999, 9_007_199_254_740_991])
    case 3:
      return pick([9_007_199_254_740_992, 9_007_199_254_740_994, 123_456_789_012_345_680, 1e16, 1e17, -1e19])
    case 4: return pick([5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308])
    case 5: return Double(Int64(bitPattern: next()) >> below(63))
    case 6: return Double(Int64(bitPattern: next()) >> 10) / Double(1 << below(40))
    case 7: return (Double(below(1_000_000)) + 0.5) * pick([1, 10, 1e10, 1e14, 1e15, 1e-3])
    case 8: return Double(below(1 << 20)) * pick([1e-10, 1e-5, 1e5, 1e10, 1e20, 1e300])
    default:
      var bits = Double(bitPattern: next())
      while !bits.isFinite { bits = Double(bitPattern: next()) }
      return bits
    }
  }

  /// Text drawn from pieces that exercise escaping and byte order: every control character, quotes,
  /// backslashes, slashes, DEL, and one-, two-, three- and four-byte UTF-8 (combining marks, U+2028/2029,
  /// BOM, replacement character, the last scalar).
  mutating func string(maximumLength: Int) -> String {
    var text = ""
    for _ in 0..<below(maximumLength + 1) {
      switch below(6) {
      case 0: text.unicodeScalars.append(Unicode.Scalar(UInt8(below(0x20))))
      case 1: text += pick(["\"", "\\", "/", "\u{7F}", "\\u0041", "</script>", " ", "\\/"])
      case 2: text += pick(["é", "e\u{301}", "ß", "Ω", "ǅ", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFD}"])
      case 3: text += pick(["中", "한", "ש", "😀", "👩‍👩‍👧", "\u{10FFFF}", "\u{E000}", "\u{D7FF}", "🇩🇪"])
      default: text.unicodeScalars.append(Unicode.Scalar(UInt8(0x20 + below(0x5F))))
      }
    }
    return text
  }

  /// Member names: mostly short, with near-collisions that only byte order separates.
  mutating func key() -> String {
    switch below(4) {
    case 0: return pick(["", "a", "A", "aa", "a\u{0}", "a b", "Z", "_", "é", "e", "f", "😀", "~", "10", "9"])
    case 1: return pick(["reason_code", "reason_message", "evidence", "id", "ID", "Id", "url", "u"])
    default: return string(maximumLength: 6)
    }
  }
}
