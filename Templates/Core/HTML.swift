/// A fragment of HTML that is safe to send: every interpolated value is escaped unless it is itself `HTML`.
///
/// String literals inside a template are trusted (a developer wrote them); everything interpolated with
/// `\(value)` is text and gets `& < > " '` escaped, so it is safe in element content and in double-quoted
/// attribute values alike. The only way to emit unescaped text from a `String` is ``init(unsafeRaw:)``,
/// named so that `grep unsafeRaw` finds every use.
public struct HTML: Sendable, Equatable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
  /// The markup, ready to write into a response body.
  public private(set) var rendered: String

  /// Markup taken as is. Never pass user data here; it exists for constant markup built elsewhere.
  public init(unsafeRaw markup: String) {
    rendered = markup
  }

  /// A literal written in a template: trusted markup.
  public init(stringLiteral value: String) {
    rendered = value
  }

  /// A template with interpolations (escaped unless the value is `HTML`).
  public init(stringInterpolation: StringInterpolation) {
    rendered = stringInterpolation.output
  }

  /// Escaped text: `HTML(text: "<b>")` renders `&lt;b&gt;`.
  public init(text: String) {
    rendered = HTML.escape(text)
  }

  /// Nothing at all.
  public static let empty = HTML(stringLiteral: "")

  /// Whether this fragment renders no characters.
  public var isEmpty: Bool { rendered.isEmpty }

  /// The markup (same as ``rendered``).
  public var description: String { rendered }

  /// UTF-8 bytes for a response body.
  public var bytes: [UInt8] { Array(rendered.utf8) }

  /// Escapes text for element content and double- or single-quoted attribute values.
  ///
  /// Bidirectional control characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are shown as
  /// visible text such as `[U+202E]` instead: user-supplied text can never reorder what surrounds it on a page
  /// (a tenant name that flips the columns beside it, a failure message that reverses a run number).
  ///
  /// Text with none of these (most of it: names, labels, ids, dates) is returned as is, not copied.
  public static func escape(_ text: String) -> String {
    guard containsSpecialBytes(text[...]) else { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count + 16)
    appendEscaped(text[...], to: &output)
    return output
  }

  /// Appends `text` to `output` escaped, copying the runs between special characters whole.
  ///
  /// It scans UTF-8 bytes: the five special characters are ASCII, and an ASCII byte is never part of a
  /// multi-byte sequence; a bidirectional control is a whole two- or three-byte sequence starting at its lead
  /// byte. So every split lands on a character boundary. Runs are appended as substrings of `text`, which
  /// copies their bytes without decoding or re-validating them; text with nothing to escape is one append.
  static func appendEscaped(_ text: Substring, to output: inout String) {
    let utf8 = text.utf8
    let appended: Void? = utf8.withContiguousStorageIfAvailable { bytes in
      var runStart = 0
      var offset = 0
      while offset < bytes.count {
        let byte = bytes[offset]
        if isSpecial(byte) {
          output.append(
            contentsOf: text[
              utf8.index(utf8.startIndex, offsetBy: runStart)..<utf8.index(utf8.startIndex, offsetBy: offset)]
          )
          output.append(entity(for: byte))
          offset += 1
          runStart = offset
        } else if isBidiLead(byte), let (length, marker) = bidiControl(in: bytes, at: offset) {
          output.append(
            contentsOf: text[
              utf8.index(utf8.startIndex, offsetBy: runStart)..<utf8.index(utf8.startIndex, offsetBy: offset)]
          )
          output.append(marker)
          offset += length
          runStart = offset
        } else {
          offset += 1
        }
      }
      output.append(contentsOf: text[utf8.index(utf8.startIndex, offsetBy: runStart)...])
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

  /// The entity for a byte that ``isSpecial(_:)``.
  private static func entity(for special: UInt8) -> String {
    switch special {
    case UInt8(ascii: "&"): "&amp;"
    case UInt8(ascii: "<"): "&lt;"
    case UInt8(ascii: ">"): "&gt;"
    case UInt8(ascii: "\""): "&quot;"
    default: "&#39;"
    }
  }

  /// Collects template pieces: literals as markup, interpolations escaped.
  public struct StringInterpolation: StringInterpolationProtocol {
    /// Markup built so far.
    var output: String

    /// Reserves room for the literal parts.
    public init(literalCapacity: Int, interpolationCount: Int) {
      output = ""
      output.reserveCapacity(literalCapacity + interpolationCount * 16)
    }

    /// Template literal text: trusted markup.
    public mutating func appendLiteral(_ literal: String) {
      output += literal
    }

    /// Another fragment: inserted as is (it is already safe).
    public mutating func appendInterpolation(_ html: HTML) {
      output += html.rendered
    }

    /// An optional fragment: nothing when `nil`.
    public mutating func appendInterpolation(_ html: HTML?) {
      if let html { output += html.rendered }
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
      output.append(String(number))
    }

    /// A raw-value enum (status, outcome, freshness, reason code): its raw value, escaped.
    public mutating func appendInterpolation<Value: RawRepresentable>(_ value: Value)
    where Value.RawValue == String {
      HTML.appendEscaped(value.rawValue[...], to: &output)
    }
  }
}
