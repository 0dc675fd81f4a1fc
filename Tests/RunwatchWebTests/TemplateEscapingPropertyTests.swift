import Foundation
import RunwatchDemo
import RunwatchStore
import RunwatchTemplates
import TestStorage
import Testing

/// The byte-level escaper must produce exactly what the scalar-at-a-time one it replaced produced (plus bidirectional
/// controls shown as `[U+202E]`), for any text: ASCII specials, multi-byte UTF-8, emoji, combining marks, NUL, the
/// empty string, right-to-left text and the bidirectional controls themselves.
private extension String {
  func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

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
      case "\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}":
        output += "[U+" + String(character.value, radix: 16, uppercase: true).leftPadded(to: 4) + "]"
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
    // Bidirectional controls, and their neighbours that are not (paragraph separator, zero-width joiner…).
    "\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}", "\u{2029}",
    "\u{202F}",
    "\u{2065}", "\u{206A}", "\u{200D}", "\u{061B}", "\u{0600}", "שלום", "مرحبا",
  ]

  static func randomText(_ random: inout SplitMix64) -> String {
    let length = random.int(in: 0...9) == 0 ? random.int(in: 0...400) : random.int(in: 0...24)
    return (0..<length).map { _ in pieces[random.int(in: 0...(pieces.count - 1))] }.joined()
  }

  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func bidirectionalControlsAreShownNotObeyed() {
    let tenant = "Contoso \u{202E}gnp.exe\u{202C} \u{2067}x\u{2069}"
    #expect(HTML.escape(tenant) == "Contoso [U+202E]gnp.exe[U+202C] [U+2067]x[U+2069]")
    let page: HTML = "<td title=\"\(tenant)\">\(tenant)</td>"
    #expect(
      !page.rendered.unicodeScalars.contains {
        (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)
      })
    #expect(HTML.escape("עברית — ok… 👩‍💻") == "עברית — ok… 👩‍💻", "right-to-left text and joiners are left alone")
  }

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
