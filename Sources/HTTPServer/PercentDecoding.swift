/// Lenient percent-decoding for URL paths, query strings and form bodies.
///
/// Malformed escapes (`%zz`, a trailing `%`) are kept literally and invalid UTF-8 becomes U+FFFD,
/// so hostile input can never throw or crash; allow-listing happens later, where values are used.
enum PercentDecoding {
  /// Decodes `%XX` escapes in `text`; with `plusAsSpace`, `+` becomes a space (form encoding).
  static func decode(_ text: Substring, plusAsSpace: Bool) -> String {
    let source = Array(text.utf8)
    guard source.contains(UInt8(ascii: "%")) || (plusAsSpace && source.contains(UInt8(ascii: "+")))
    else { return String(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(source.count)
    var index = 0
    while index < source.count {
      let byte = source[index]
      if byte == UInt8(ascii: "%"), index + 2 < source.count,
        let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2])
      {
        bytes.append(high << 4 | low)
        index += 3
      } else if plusAsSpace && byte == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
        index += 1
      } else {
        bytes.append(byte)
        index += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
