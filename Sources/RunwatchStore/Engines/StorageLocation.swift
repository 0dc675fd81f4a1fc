/// Where the Runwatch database lives: a SQLite file (the default, no server needed) or a PostgreSQL database
/// shared by several instances. Given as `--db` / `RUNWATCH_DB`: a `postgres://` or `postgresql://` URI (any
/// libpq URI: `sslmode`, `PG*` variables and `.pgpass` are honoured) means PostgreSQL, anything else is a
/// file path.
public enum StorageLocation: Sendable, Equatable {
  case sqlite(path: String)
  case postgres(url: String)

  /// Reads `--db`'s value.
  public init(_ text: String) {
    let lowered = text.lowercased()
    if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
      self = .postgres(url: text)
    } else {
      self = .sqlite(path: text)
    }
  }

  /// How logs and messages name it: a URI without its password.
  public var displayName: String {
    switch self {
    case .sqlite(let path): return path
    case .postgres(let url): return Self.withoutPassword(url)
    }
  }

  /// `url` with the password of its user-info part (`user:password@`) replaced by `***`.
  static func withoutPassword(_ url: String) -> String {
    guard let scheme = url.range(of: "://") else { return url }
    let rest = url[scheme.upperBound...]
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
      return url
    }
    return String(url[..<authority.index(after: colon)]) + "***" + String(url[at...])
  }
}
