import Foundation
import RunwatchStore
import RunwatchTemplates
import Testing

/// The byte-level escaper must produce exactly what the scalar-at-a-time one it replaced produced, for any
/// text: ASCII specials, multi-byte UTF-8, emoji, combining marks, NUL and the empty string.
@Suite("Template escaping property")
struct TemplateEscapingPropertyTests {
  /// The escaper before the byte-level one, kept as the reference.
  static func formerEscape(_ text: String) -> String {
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

  /// Pieces random texts are made of. `==` on `String` ignores differences in Unicode normalization, so
  /// results are compared byte for byte.
  static let pieces = [
    "&", "<", ">", "\"", "'", "a", "Z", "0", " ", "-", ";", "#", "=", "\u{0}", "\n", "\r\n", "\t", "\u{7F}",
    "é", "e\u{301}", "\u{301}", "\u{20DD}", "ß", "日本語", "—", "…", "\u{FEFF}", "\u{FFFD}", "😀", "👩‍💻",
    "🇩🇪", "&amp;", "&#39;", "<script>", "Ada Lovelace", "policy.sync",
  ]

  static func randomText(_ random: inout SplitMix64) -> String {
    let length = random.int(in: 0...9) == 0 ? random.int(in: 0...400) : random.int(in: 0...24)
    return (0..<length).map { _ in pieces[random.int(in: 0...(pieces.count - 1))] }.joined()
  }

  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func escapeMatchesTheFormerEscaperOnRandomText() {
    var random = SplitMix64(seed: 0xE5CA9E)
    var mismatches: [String] = []
    for _ in 0..<20_000 {
      let text = Self.randomText(&random)
      let expected = Self.bytes(Self.formerEscape(text))
      let optional: String? = text
      let interpolated: HTML = "<p title=\"\(text)\">\(optional)</p>"
      if Self.bytes(HTML.escape(text)) != expected || Self.bytes(HTML(text: text).rendered) != expected
        || Self.bytes(interpolated.rendered) != Self.bytes("<p title=\"") + expected + Self.bytes("\">")
          + expected + Self.bytes("</p>")
      {
        mismatches.append(text)
      }
      // A substring cut at character boundaries escapes like the same text as a string.
      let cut = text.dropFirst(random.int(in: 0...3)).dropLast(random.int(in: 0...3))
      let fromSubstring: HTML = "\(cut)"
      if Self.bytes(fromSubstring.rendered) != Self.bytes(Self.formerEscape(String(cut))) {
        mismatches.append(String(cut))
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(3))")
  }

  @Test func edgeCasesMatchTheFormerEscaper() {
    let cases = [
      "", "\u{0}", "&", "'", "\"'&<>", "<<<<", "a&b", "&&", String(repeating: "&", count: 100),
      String(repeating: "é", count: 40) + "<", "<" + String(repeating: "😀", count: 20), "e\u{301}<\u{301}",
      "\u{0}<\u{0}", String(repeating: "x", count: 15) + "'", String(repeating: "x", count: 16) + "'",
    ]
    for text in cases {
      #expect(
        Self.bytes(HTML.escape(text)) == Self.bytes(Self.formerEscape(text)), "\(text.debugDescription)")
    }
    #expect(HTML.escape("'") == "&#39;", "a single quote is written as a decimal reference")
  }

  /// Most interpolated text has nothing to escape; it must come back as the same string, not a copy.
  @Test func textWithNothingToEscapeIsReturnedWithoutACopy() {
    var text = "Contoso Retail — policy sync #105 😀 done at 10:04:05"
    var escaped = HTML.escape(text)
    #expect(escaped == text)
    let same = text.withUTF8 { original in escaped.withUTF8 { $0.baseAddress == original.baseAddress } }
    #expect(same, "the escaper copied text that needed no escaping")
  }

  @Test func numbersInterpolateAsTheirDigits() {
    let html: HTML = "\(Int.min) \(UInt64.max) \(Int8(-5)) \(0)"
    #expect(html.rendered == "\(Int.min) \(UInt64.max) -5 0")
  }
}
