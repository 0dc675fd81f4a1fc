/// What a path parameter accepts. Every parameter is allow-listed when the route is matched, so a
/// value that does not fit makes the route not match (the router then answers not-found) and
/// handlers only ever see well-formed input.
public struct PathParameterKind: Sendable {
  /// The name used in patterns, e.g. `id` in `:run(id)`.
  public let name: String
  private let acceptsValue: @Sendable (String) -> Bool

  /// A custom kind; `accepts` must be a pure allow-list check.
  public init(name: String, accepts: @escaping @Sendable (String) -> Bool) {
    self.name = name
    acceptsValue = accepts
  }

  /// True when `value` is allowed.
  public func accepts(_ value: String) -> Bool { acceptsValue(value) }

  /// A positive database identifier: 1–18 ASCII digits, greater than zero (fits in `Int64`).
  public static let id = PathParameterKind(name: "id") { positiveID($0) != nil }

  /// A short name: 1–128 characters of `A-Z a-z 0-9 . _ ~ -`, not `.` or `..`.
  public static let slug = PathParameterKind(name: "slug") { isSlug($0) }

  /// An identifier someone else chose (a linked record's id): 1–200 characters after percent-decoding, no
  /// control characters, not `.` or `..`. Handlers narrow it further.
  public static let segment = PathParameterKind(name: "segment") { isSegment($0) }

  /// The kinds usable by name inside a pattern string.
  static let builtIn: [String: PathParameterKind] = ["id": .id, "slug": .slug, "segment": .segment]

  /// Parses the `id` allow-list: 1–18 ASCII digits, value > 0.
  static func positiveID(_ text: String) -> Int64? {
    let bytes = text.utf8
    guard (1...18).contains(bytes.count),
      bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return nil }
    guard let value = Int64(text), value > 0 else { return nil }
    return value
  }

  /// The `segment` allow-list.
  static func isSegment(_ text: String) -> Bool {
    guard (1...200).contains(text.count), text != ".", text != ".." else { return false }
    return text.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control }
  }

  /// The `slug` allow-list.
  static func isSlug(_ text: String) -> Bool {
    let bytes = text.utf8
    guard (1...128).contains(bytes.count), text != ".", text != ".." else { return false }
    return bytes.allSatisfy { byte in
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"), UInt8(ascii: "-"):
        return true
      default: return false
      }
    }
  }
}

/// A parsed route pattern such as `/operations/:id(id)`.
///
/// Segments are literals, `:name` (a `slug`), `:name(kind)` with a built-in kind (`id`, `slug`), or a
/// final `*name` that captures the rest of the path (each captured segment must be a slug, so `..`
/// and empty segments never match). The `template` drops the kinds: `/operations/:id`.
public struct RoutePattern: Sendable {
  enum Segment: Sendable {
    case literal(String)
    case parameter(String, PathParameterKind)
    case rest(String)
  }

  let segments: [Segment]
  /// The pattern for logs and metrics, e.g. `/operations/:id`.
  public let template: String

  /// Parses `pattern`. A malformed pattern is a programming error caught at startup.
  public init(_ pattern: String) {
    precondition(pattern.hasPrefix("/"), "route pattern must start with /")
    var parsed: [Segment] = []
    var shown: [String] = []
    let parts = pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    for (index, part) in parts.enumerated() {
      if part.hasPrefix(":") {
        var name = part.dropFirst()
        var kind = PathParameterKind.slug
        if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
          let kindName = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
          guard let known = PathParameterKind.builtIn[kindName] else {
            preconditionFailure("unknown path parameter kind in route pattern")
          }
          kind = known
          name = name[..<open]
        }
        precondition(!name.isEmpty, "path parameter needs a name")
        parsed.append(.parameter(String(name), kind))
        shown.append(":" + name)
      } else if part.hasPrefix("*") {
        precondition(index == parts.count - 1 && part.count > 1, "*name must be the last segment")
        parsed.append(.rest(String(part.dropFirst())))
        shown.append(String(part))
      } else {
        parsed.append(.literal(String(part)))
        shown.append(String(part))
      }
    }
    segments = parsed
    template = "/" + shown.joined(separator: "/")
  }

  /// The allow-listed parameters when `pathSegments` match, or nil.
  func match(_ pathSegments: [String]) -> [String: String]? {
    var parameters: [String: String] = [:]
    for (index, segment) in segments.enumerated() {
      switch segment {
      case .literal(let text):
        guard index < pathSegments.count, pathSegments[index] == text else { return nil }
      case .parameter(let name, let kind):
        guard index < pathSegments.count, kind.accepts(pathSegments[index]) else { return nil }
        parameters[name] = pathSegments[index]
      case .rest(let name):
        let rest = pathSegments[min(index, pathSegments.count)...]
        guard !rest.isEmpty, rest.allSatisfy(PathParameterKind.isSlug) else { return nil }
        parameters[name] = rest.joined(separator: "/")
        return parameters
      }
    }
    return pathSegments.count == segments.count ? parameters : nil
  }
}
