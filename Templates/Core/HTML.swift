/// A fragment of HTML that is safe to send: every interpolated value is escaped unless it is itself `HTML`.
///
/// String literals inside a template are trusted (a developer wrote them); everything interpolated with
/// `\(value)` is text and gets `& < > " '` escaped, so it is safe in element content and in double-quoted
/// attribute values alike. The only way to emit unescaped text from a `String` is ``init(unsafeRaw:)``,
/// named so that `grep unsafeRaw` finds every use.
///
/// The markup is kept as UTF-8 bytes, not a `String`: a page is built from thousands of literal pieces and
/// fragments, and appending bytes is a copy where appending to a `String` also re-checked each piece (a fifth
/// of a list page's instructions), and a response body wants the bytes in the end anyway.
public struct HTML: Sendable, Equatable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
  /// The markup as UTF-8 bytes, ready to write into a response body.
  public private(set) var utf8: [UInt8]

  /// The markup as text (tests, logs).
  public var rendered: String { String(decoding: utf8, as: UTF8.self) }

  /// Markup taken as is. Never pass user data here; it exists for constant markup built elsewhere.
  public init(unsafeRaw markup: String) {
    utf8 = Array(markup.utf8)
  }

  /// Markup bytes taken as is (fragments joined by this module).
  init(unsafeRawBytes bytes: [UInt8]) {
    utf8 = bytes
  }

  /// A literal written in a template: trusted markup.
  public init(stringLiteral value: String) {
    utf8 = Array(value.utf8)
  }

  /// A template with interpolations (escaped unless the value is `HTML`).
  public init(stringInterpolation: StringInterpolation) {
    utf8 = stringInterpolation.output
  }

  /// Escaped text: `HTML(text: "<b>")` renders `&lt;b&gt;`.
  public init(text: String) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    HTML.appendEscaped(text[...], to: &bytes)
    utf8 = bytes
  }

  /// Nothing at all.
  public static let empty = HTML(stringLiteral: "")

  /// Whether this fragment renders no characters.
  public var isEmpty: Bool { utf8.isEmpty }

  /// The markup (same as ``rendered``).
  public var description: String { rendered }

  /// UTF-8 bytes for a response body (same as ``utf8``).
  public var bytes: [UInt8] { utf8 }

  /// Escapes text for element content and double- or single-quoted attribute values.
  ///
  /// Bidirectional control characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are shown as
  /// visible text such as `[U+202E]` instead: user-supplied text can never reorder what surrounds it on a page
  /// (a tenant name that flips the columns beside it, a failure message that reverses a run number).
  ///
  /// Text with none of these (most of it: names, labels, ids, dates) is returned as is, not copied.
  public static func escape(_ text: String) -> String {
    guard containsSpecialBytes(text[...]) else { return text }
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count + 16)
    appendEscaped(text[...], to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// Appends `text` to `output` escaped, copying the runs between special characters whole.
  ///
  /// It scans UTF-8 bytes: the five special characters are ASCII, and an ASCII byte is never part of a
  /// multi-byte sequence; a bidirectional control is a whole two- or three-byte sequence starting at its lead
  /// byte. So every split lands on a character boundary, and text with nothing to escape is one copy.
  static func appendEscaped(_ text: Substring, to output: inout [UInt8]) {
    let appended: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
      var runStart = 0
      var offset = 0
      while offset < bytes.count {
        let byte = bytes[offset]
        if isSpecial(byte) {
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
          appendEntity(for: byte, to: &output)
          offset += 1
          runStart = offset
        } else if isBidiLead(byte), let (length, marker) = bidiControl(in: bytes, at: offset) {
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
          output.append(contentsOf: marker.utf8)
          offset += length
          runStart = offset
        } else {
          offset += 1
        }
      }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }
    if appended == nil {
      // Only strings bridged from Objective-C lack contiguous UTF-8; a native copy has it.
      var native = text
      native.makeContiguousUTF8()
      appendEscaped(native, to: &output)
    }
  }

  /// Whether `text` holds any of `& < > " '` or a bidirectional control.
  private static func containsSpecialBytes(_ text: Substring) -> Bool {
    func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
      for offset in bytes.indices {
        let byte = bytes[offset]
        if isSpecial(byte) { return true }
        if isBidiLead(byte), bidiControl(in: bytes, at: offset) != nil { return true }
      }
      return false
    }
    if let found = text.utf8.withContiguousStorageIfAvailable(scan) { return found }
    var native = text
    native.makeContiguousUTF8()
    return native.utf8.withContiguousStorageIfAvailable(scan) ?? false
  }

  /// Whether `byte` is one of `" & ' < >`. They all lie in 0x22...0x3E, so one subtraction and compare
  /// rules out most bytes, and a mask with bits 0, 4, 5, 26 and 28 set (`"`, `&`, `'`, `<`, `>`) decides
  /// the rest.
  @inline(__always)
  private static func isSpecial(_ byte: UInt8) -> Bool {
    let distance = byte &- 0x22
    return distance <= 0x1C && (0x1400_0031 as UInt32) >> distance & 1 == 1
  }

  /// Whether `byte` may start a bidirectional control: 0xD8 (U+061C) or 0xE2 (U+200E…U+2069).
  @inline(__always)
  private static func isBidiLead(_ byte: UInt8) -> Bool { byte == 0xE2 || byte == 0xD8 }

  /// The length and visible marker of the bidirectional control starting at `offset`, if one does.
  private static func bidiControl(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (Int, String)? {
    guard offset + 1 < bytes.count else { return nil }
    let second = bytes[offset + 1]
    if bytes[offset] == 0xD8 { return second == 0x9C ? (2, "[U+061C]") : nil }
    guard offset + 2 < bytes.count else { return nil }
    let third = bytes[offset + 2]
    let scalar = 0x2000 | (UInt32(second & 0x3F) << 6) | UInt32(third & 0x3F)
    guard second & 0xC0 == 0x80, third & 0xC0 == 0x80 else { return nil }
    switch scalar {
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
      return (3, "[U+" + String(scalar, radix: 16, uppercase: true) + "]")
    default: return nil
    }
  }

  /// Appends the entity for a byte that ``isSpecial(_:)``.
  private static func appendEntity(for special: UInt8, to output: inout [UInt8]) {
    let entity: StaticString =
      switch special {
      case UInt8(ascii: "&"): "&amp;"
      case UInt8(ascii: "<"): "&lt;"
      case UInt8(ascii: ">"): "&gt;"
      case UInt8(ascii: "\""): "&quot;"
      default: "&#39;"
      }
    output.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
  }

  /// Collects template pieces: literals as markup, interpolations escaped.
  public struct StringInterpolation: StringInterpolationProtocol {
    /// Markup built so far.
    var output: [UInt8]

    /// Reserves room for the literal parts and a typical value or fragment per interpolation (a row's cells
    /// are badges and links of 50–150 bytes: 64 each saves most rows a second allocation and copy).
    public init(literalCapacity: Int, interpolationCount: Int) {
      output = []
      output.reserveCapacity(literalCapacity + interpolationCount * 64)
    }

    /// Template literal text: trusted markup.
    public mutating func appendLiteral(_ literal: String) {
      HTML.appendBytes(of: literal, to: &output)
    }

    /// Another fragment: inserted as is (it is already safe).
    public mutating func appendInterpolation(_ html: HTML) {
      output.append(contentsOf: html.utf8)
    }

    /// An optional fragment: nothing when `nil`.
    public mutating func appendInterpolation(_ html: HTML?) {
      if let html { output.append(contentsOf: html.utf8) }
    }

    /// Text: escaped.
    public mutating func appendInterpolation(_ text: String) {
      HTML.appendEscaped(text[...], to: &output)
    }

    /// Optional text: escaped, nothing when `nil`.
    public mutating func appendInterpolation(_ text: String?) {
      if let text { HTML.appendEscaped(text[...], to: &output) }
    }

    /// A substring: escaped.
    public mutating func appendInterpolation(_ text: Substring) {
      HTML.appendEscaped(text, to: &output)
    }

    /// A whole number. Its digits and sign never need escaping, so they are appended directly.
    public mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) {
      if let value = Int64(exactly: number) {
        HTML.appendDecimal(value, to: &output)
      } else {
        HTML.appendBytes(of: String(number), to: &output)
      }
    }

    /// A raw-value enum (status, outcome, freshness, reason code): its raw value, escaped.
    public mutating func appendInterpolation<Value: RawRepresentable>(_ value: Value)
    where Value.RawValue == String {
      HTML.appendEscaped(value.rawValue[...], to: &output)
    }
  }

  /// Appends the decimal digits of `value` (with a minus sign when negative), without a `String` in between:
  /// a list page writes three run ids per row.
  static func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, least significant first
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
    }
  }

  /// Appends the UTF-8 bytes of `text` unchanged, as one copy when the string is stored contiguously.
  static func appendBytes(of text: String, to output: inout [UInt8]) {
    if text.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
      output.append(contentsOf: text.utf8)
    }
  }
}
