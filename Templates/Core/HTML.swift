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
  /// Text with none of `& < > " '` (most of it: names, labels, ids, dates) is returned as is, not copied.
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
  /// multi-byte sequence, so every split lands on a character boundary. Runs are appended as substrings of
  /// `text`, which copies their bytes without decoding or re-validating them; text with nothing to escape is
  /// one append.
  static func appendEscaped(_ text: Substring, to output: inout String) {
    let utf8 = text.utf8
    let appended: Void? = utf8.withContiguousStorageIfAvailable { bytes in
      var runStart = utf8.startIndex
      for offset in bytes.indices where isSpecial(bytes[offset]) {
        let special = utf8.index(utf8.startIndex, offsetBy: offset)
        output.append(contentsOf: text[runStart..<special])
        output.append(entity(for: bytes[offset]))
        runStart = utf8.index(after: special)
      }
      output.append(contentsOf: text[runStart...])
    }
    if appended == nil {
      // Only strings bridged from Objective-C lack contiguous UTF-8; a native copy has it.
      var native = text
      native.makeContiguousUTF8()
      appendEscaped(native, to: &output)
    }
  }

  /// Whether `text` holds any of `& < > " '`.
  private static func containsSpecialBytes(_ text: Substring) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { $0.contains(where: isSpecial) }
      ?? text.utf8.contains(where: isSpecial)
  }

  /// Whether `byte` is one of `" & ' < >`. They all lie in 0x22...0x3E, so one subtraction and compare
  /// rules out most bytes, and a mask with bits 0, 4, 5, 26 and 28 set (`"`, `&`, `'`, `<`, `>`) decides
  /// the rest.
  @inline(__always)
  private static func isSpecial(_ byte: UInt8) -> Bool {
    let distance = byte &- 0x22
    return distance <= 0x1C && (0x1400_0031 as UInt32) >> distance & 1 == 1
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
