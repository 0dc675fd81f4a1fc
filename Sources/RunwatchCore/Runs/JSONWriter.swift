/// Writes a ``JSONValue`` as UTF-8 JSON text, byte by byte, into one growing buffer.
///
/// The output is byte for byte what `JSONEncoder` wrote through `JSONValue`'s `Encodable` conformance with
/// `[.sortedKeys, .withoutEscapingSlashes]` (and `.prettyPrinted` for ``Style/pretty``), which stored evidence,
/// audit metadata, pages and tests compare as strings. `JSONEncoder` built a tree of boxed values, sorted
/// through `UTF8View` and went through `Encoder` protocol witnesses for every member; on a heartbeat that was a
/// third of the CPU. The rules it followed, and this writer keeps (checked by a property test against the old
/// encoder path in `RunwatchCoreTests`):
///
/// - Object members sorted by the UTF-8 bytes of their names (not `String`'s Unicode ordering).
/// - Strings: `"` `\` and the controls U+0000–U+001F escaped (`\b \f \n \r \t`, the rest as `\u00xx` with
///   lowercase hex); `/`, U+007F and everything non-ASCII (U+2028 included) written as they are.
/// - Numbers: a whole number of magnitude below 9e15 as an integer (`1200`, `-0` → `0`); any other finite
///   number as Swift's shortest round-trip `description` without a trailing `.0` (`0.5`, `1e+21`,
///   `9007199254740992`, `1.2345678901234568e+17`).
/// - Pretty: two spaces per level, `" : "` between name and value, `,` at line ends, no final newline. The one
///   place it parts from the encoder: an empty object or array is written `{}` / `[]`, not opened and closed
///   on lines of their own around an empty line (pages and `--json` output showed three lines for nothing).
/// - A document holding a NaN or an infinity, or containers nested deeper than ``maximumDepth``, cannot be
///   written: the whole text is `null`, as `JSONEncoder`'s error was turned into `null` before.
public struct JSONWriter {
  /// Compact or indented output.
  public enum Style: Sendable {
    /// No whitespace at all (storage, the API).
    case compact
    /// Indented for people to read (pages, `--json` output).
    case pretty
  }

  /// Deepest nesting of arrays and objects that can be written (`JSONEncoder`'s limit).
  public static let maximumDepth = 511

  /// The UTF-8 text written so far.
  public private(set) var bytes: [UInt8] = []

  private let isPretty: Bool
  private var depth = 0

  private struct Unwritable: Error {}

  /// An empty writer.
  public init(style: Style = .compact, reservingCapacity capacity: Int = 256) {
    isPretty = style == .pretty
    bytes.reserveCapacity(capacity)
  }

  /// `value` as JSON text; `null` when it cannot be written (see the type's rules).
  public static func text(_ value: JSONValue, style: Style = .compact) -> String {
    String(decoding: utf8(value, style: style), as: UTF8.self)
  }

  /// `value` as UTF-8 JSON bytes; `null` when it cannot be written (see the type's rules).
  public static func utf8(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
    var writer = JSONWriter(style: style)
    do {
      try writer.write(value)
    } catch {
      return Array("null".utf8)
    }
    return writer.bytes
  }

  /// An object whose members come already in the order `jsonText` would sort them — ascending UTF-8 bytes of
  /// their names, no name twice (a debug build checks) — written without a dictionary or a sort: the same bytes
  /// as `JSONValue.object` of those members, for fixed-shape documents on hot paths such as the API's run object.
  public static func utf8(
    orderedMembers members: [(key: String, value: JSONValue)], style: Style = .compact
  ) -> [UInt8] {
    assert(
      zip(members, members.dropFirst()).allSatisfy { utf8Precedes($0.key, $1.key) },
      "members must be in ascending UTF-8 order of their names")
    var writer = JSONWriter(style: style, reservingCapacity: 1024)
    do {
      try writer.writeObject(members)
    } catch {
      return Array("null".utf8)
    }
    return writer.bytes
  }

  /// A member of an object written by `text(orderedMembers:)`: a value, or JSON text rendered earlier.
  public enum Member {
    /// A value, written the usual way.
    case value(JSONValue)
    /// Compact JSON text from this writer, copied as it is: a document stored in two places is rendered once.
    case rendered(String)
  }

  /// An object of `members` in ascending UTF-8 order of their names (as `utf8(orderedMembers:)`), compact: the
  /// same bytes as `JSONValue.object` of the same values, where each `.rendered` text is the value's `jsonText`.
  public static func text(orderedMembers members: [(key: String, value: Member)]) -> String {
    assert(
      zip(members, members.dropFirst()).allSatisfy { utf8Precedes($0.key, $1.key) },
      "members must be in ascending UTF-8 order of their names")
    var writer = JSONWriter(reservingCapacity: 1024)
    do {
      try writer.enter()
      writer.bytes.append(UInt8(ascii: "{"))
      for (position, member) in members.enumerated() {
        if position > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        writer.writeString(member.key)
        writer.bytes.append(UInt8(ascii: ":"))
        switch member.value {
        case .value(let value): try writer.write(value)
        case .rendered(let text): writer.bytes.append(contentsOf: text.utf8)
        }
      }
      writer.bytes.append(UInt8(ascii: "}"))
      writer.depth -= 1
    } catch {
      return "null"
    }
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private mutating func write(_ value: JSONValue) throws(Unwritable) {
    switch value {
    case .null: append("null")
    case .bool(let flag): flag ? append("true") : append("false")
    case .number(let number): try writeNumber(number)
    case .string(let text): writeString(text)
    case .array(let items): try writeArray(items)
    case .object(let members):
      let entries = Array(members)
      try writeObject(Self.sortedIndices(of: entries).lazy.map { entries[$0] })
    }
  }

  private mutating func writeArray(_ items: [JSONValue]) throws(Unwritable) {
    try enter()
    bytes.append(UInt8(ascii: "["))
    if isPretty && !items.isEmpty {
      bytes.append(0x0A)
      for (index, item) in items.enumerated() {
        if index > 0 { append(",\n") }
        indent(depth)
        try write(item)
      }
      bytes.append(0x0A)
      indent(depth - 1)
    } else {
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        try write(item)
      }
    }
    bytes.append(UInt8(ascii: "]"))
    depth -= 1
  }

  /// Writes `members` in the order given (the callers sort).
  private mutating func writeObject(
    _ members: some Collection<(key: String, value: JSONValue)>
  ) throws(Unwritable) {
    try enter()
    bytes.append(UInt8(ascii: "{"))
    let pretty = isPretty && !members.isEmpty
    if pretty { bytes.append(0x0A) }
    for (position, member) in members.enumerated() {
      if position > 0 { pretty ? append(",\n") : bytes.append(UInt8(ascii: ",")) }
      if pretty { indent(depth) }
      writeString(member.key)
      pretty ? append(" : ") : bytes.append(UInt8(ascii: ":"))
      try write(member.value)
    }
    if pretty {
      bytes.append(0x0A)
      indent(depth - 1)
    }
    bytes.append(UInt8(ascii: "}"))
    depth -= 1
  }

  private mutating func enter() throws(Unwritable) {
    depth += 1
    guard depth <= Self.maximumDepth else { throw Unwritable() }
  }

  private mutating func indent(_ level: Int) {
    for _ in 0..<level { append("  ") }
  }

  private mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  // MARK: Numbers

  private mutating func writeNumber(_ number: Double) throws(Unwritable) {
    if number.rounded() == number, abs(number) < 9e15 {
      writeInteger(Int64(number))
      return
    }
    guard number.isFinite else { throw Unwritable() }
    var text = number.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    bytes.append(contentsOf: text.utf8)
  }

  private mutating func writeInteger(_ value: Int64) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    guard magnitude >= 10 else {
      bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
      return
    }
    // Digits come out least significant first: append them, then reverse them in place.
    let start = bytes.count
    while magnitude > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    }
    bytes[start...].reverse()
  }

  // MARK: Strings

  private mutating func writeString(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      var runStart = 0
      for index in utf8.indices {
        let byte = utf8[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        if runStart < index {
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        }
        writeEscape(byte)
        runStart = index + 1
      }
      if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func writeEscape(_ byte: UInt8) {
    bytes.append(UInt8(ascii: "\\"))
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
    case 0x08: bytes.append(UInt8(ascii: "b"))
    case 0x0C: bytes.append(UInt8(ascii: "f"))
    case 0x0A: bytes.append(UInt8(ascii: "n"))
    case 0x0D: bytes.append(UInt8(ascii: "r"))
    case 0x09: bytes.append(UInt8(ascii: "t"))
    default:
      append("u00")
      bytes.append(Self.hexDigit(byte >> 4))
      bytes.append(Self.hexDigit(byte & 0x0F))
    }
  }

  private static func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
  }

  /// A member name's first 16 UTF-8 bytes as two big-endian integers (zero-padded), with its position: sorting
  /// these plain values is what makes sorted keys cheap. Equal prefixes fall back to comparing all the bytes.
  private struct SortKey {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var index: Int

    init(_ name: String, index: Int) {
      self.index = index
      var shift: UInt64 = 120
      for byte in name.utf8 {
        if shift >= 64 { high |= UInt64(byte) << (shift - 64) } else { low |= UInt64(byte) << shift }
        if shift == 0 { break }
        shift -= 8
      }
    }
  }

  /// The positions of `entries` in the order of their names' UTF-8 bytes.
  private static func sortedIndices(of entries: [(key: String, value: JSONValue)]) -> [Int] {
    guard entries.count > 1 else { return Array(entries.indices) }
    var keys = entries.indices.map { SortKey(entries[$0].key, index: $0) }
    keys.sort { left, right in
      if left.high != right.high { return left.high < right.high }
      if left.low != right.low { return left.low < right.low }
      return utf8Precedes(entries[left.index].key, entries[right.index].key)
    }
    return keys.map(\.index)
  }

  /// Whether `left` sorts before `right` by their UTF-8 bytes (the order `JSONEncoder`'s `.sortedKeys` uses).
  static func utf8Precedes(_ left: String, _ right: String) -> Bool {
    var left = left
    var right = right
    return left.withUTF8 { leftBytes in
      right.withUTF8 { rightBytes in
        let shared = min(leftBytes.count, rightBytes.count)
        for index in 0..<shared where leftBytes[index] != rightBytes[index] {
          return leftBytes[index] < rightBytes[index]
        }
        return leftBytes.count < rightBytes.count
      }
    }
  }
}

extension JSONValue {
  /// Compact JSON text as UTF-8 bytes (what an HTTP body needs, without a `String` in between).
  public var jsonBytes: [UInt8] { JSONWriter.utf8(self) }
}
