import Foundation

/// Small structural checks on rendered markup, for template tests.
enum TemplateMarkup {
  private static let voidElements: Set<String> = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
  ]

  /// The first unbalanced tag, or `nil` when every non-void element is closed in order.
  static func firstUnbalancedTag(in html: String) -> String? {
    var stack: [String] = []
    var rest = Substring(html)
    while let open = rest.firstIndex(of: "<") {
      rest = rest[rest.index(after: open)...]
      guard let close = rest.firstIndex(of: ">") else { return "unterminated tag" }
      let tag = rest[..<close]
      rest = rest[rest.index(after: close)...]
      if tag.hasPrefix("!") { continue }
      let isClosing = tag.hasPrefix("/")
      let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
      if voidElements.contains(name) { continue }
      if isClosing {
        guard stack.last == name else { return "</\(name)> while \(stack.last ?? "nothing") is open" }
        stack.removeLast()
      } else {
        stack.append(name)
      }
    }
    return stack.isEmpty ? nil : "unclosed <\(stack.joined(separator: "><"))>"
  }

  /// Number of non-overlapping occurrences of `needle`.
  static func count(_ needle: String, in html: String) -> Int {
    html.components(separatedBy: needle).count - 1
  }

  /// The opening tags whose text contains `marker` (for example every `<tr data-run-id=` tag).
  static func openingTags(containing marker: String, in html: String) -> [String] {
    html.components(separatedBy: "<").dropFirst().compactMap { piece in
      guard let end = piece.firstIndex(of: ">") else { return nil }
      let tag = String(piece[..<end])
      return tag.contains(marker) ? tag : nil
    }
  }
}
