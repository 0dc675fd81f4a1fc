/// The store writes parameters as SQLite does, `?` for the next one and `?N` for the N-th; PostgreSQL wants
/// `$N`. The rewrite skips string literals, quoted identifiers and comments, so a `?` inside them is left
/// alone. Runs once per statement text and connection (prepared statements are cached by their text).
enum PostgresPlaceholders {
  /// `sql` with each `?` numbered in order (`$1`, `$2`, …) and each `?N` turned into `$N`.
  static func rewrite(_ sql: String) -> String {
    let bytes = Array(sql.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count + 16)
    var next = 1
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        let end = closingQuote(bytes, from: index)
        output.append(contentsOf: bytes[index..<end])
        index = end
      case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
        let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        output.append(contentsOf: bytes[index..<end])
        index = end
      case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
        let end = blockCommentEnd(bytes, from: index)
        output.append(contentsOf: bytes[index..<end])
        index = end
      case UInt8(ascii: "?"):
        var end = index + 1
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
        output.append(UInt8(ascii: "$"))
        if end > index + 1 {
          output.append(contentsOf: bytes[(index + 1)..<end])
        } else {
          output.append(contentsOf: String(next).utf8)
          next += 1
        }
        index = end
      default:
        output.append(byte)
        index += 1
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// The index just past the quote that closes the one at `start`; a doubled quote is an escaped one.
  private static func closingQuote(_ bytes: [UInt8], from start: Int) -> Int {
    let quote = bytes[start]
    var index = start + 1
    while index < bytes.count {
      if bytes[index] == quote {
        if index + 1 < bytes.count, bytes[index + 1] == quote {
          index += 2
          continue
        }
        return index + 1
      }
      index += 1
    }
    return bytes.count
  }

  /// The index just past the `*/` that closes the comment at `start` (or the end).
  private static func blockCommentEnd(_ bytes: [UInt8], from start: Int) -> Int {
    var index = start + 2
    while index + 1 < bytes.count {
      if bytes[index] == UInt8(ascii: "*"), bytes[index + 1] == UInt8(ascii: "/") { return index + 2 }
      index += 1
    }
    return bytes.count
  }
}
