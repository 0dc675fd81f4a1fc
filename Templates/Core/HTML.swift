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
  public static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      default: output.unicodeScalars.append(character)
      }
    }
    return output
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
      output += HTML.escape(text)
    }

    /// Optional text: escaped, nothing when `nil`.
    public mutating func appendInterpolation(_ text: String?) {
      if let text { output += HTML.escape(text) }
    }

    /// A substring: escaped.
    public mutating func appendInterpolation(_ text: Substring) {
      output += HTML.escape(String(text))
    }

    /// A whole number (escaping is a no-op, but it goes through the same path).
    public mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) {
      output += HTML.escape(String(number))
    }

    /// A raw-value enum (status, outcome, freshness, reason code): its raw value, escaped.
    public mutating func appendInterpolation<Value: RawRepresentable>(_ value: Value)
    where Value.RawValue == String {
      output += HTML.escape(value.rawValue)
    }
  }
}
