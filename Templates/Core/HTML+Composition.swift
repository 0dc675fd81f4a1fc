/// Building fragments from lists and conditions without leaving the escaping world.
extension HTML {
  /// The fragments one after another, with `separator` between them.
  public static func joined(_ fragments: [HTML], separator: HTML = .empty) -> HTML {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(
      fragments.reduce(0) { $0 + $1.utf8.count } + separator.utf8.count * max(0, fragments.count - 1))
    for (index, fragment) in fragments.enumerated() {
      if index > 0 { bytes.append(contentsOf: separator.utf8) }
      bytes.append(contentsOf: fragment.utf8)
    }
    return HTML(unsafeRawBytes: bytes)
  }

  /// One fragment per element, concatenated: `HTML.each(rows) { row in "<tr>…</tr>" }`.
  public static func each<Elements: Sequence>(
    _ elements: Elements, separator: HTML = .empty, _ render: (Elements.Element) -> HTML
  ) -> HTML {
    joined(elements.map(render), separator: separator)
  }

  /// `content()` when `condition` holds, otherwise nothing.
  public static func when(_ condition: Bool, _ content: () -> HTML) -> HTML {
    condition ? content() : .empty
  }

  /// `content(value)` when `value` is present, otherwise nothing (or `otherwise`).
  public static func unwrap<Value>(
    _ value: Value?, otherwise: HTML = .empty, _ content: (Value) -> HTML
  ) -> HTML {
    guard let value else { return otherwise }
    return content(value)
  }

  /// A boolean attribute (` selected`, ` checked`, ` open`) when `isOn` holds. The name must be a constant.
  public static func attribute(_ name: StaticString, if isOn: Bool) -> HTML {
    isOn ? HTML(unsafeRaw: " \(name)") : .empty
  }
}

extension Sequence where Element == HTML {
  /// The fragments concatenated, with `separator` between them.
  public func joined(separator: HTML = .empty) -> HTML {
    HTML.joined(Array(self), separator: separator)
  }
}
