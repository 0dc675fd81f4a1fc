/// A fully received HTTP request. Built by the server from libmicrohttpd, or directly in tests
/// (no socket needed), then handed to a `Router`, which fills in the path parameters.
public struct HTTPRequest: Sendable {
  /// The request method.
  public var method: HTTPMethod
  /// The request target exactly as sent (`/operations/7?x=1`), before any decoding.
  public let target: String
  /// The path, percent-decoded leniently (malformed escapes stay literal).
  public let path: String
  /// The path split on `/` before decoding each segment, so `%2F` never creates a segment.
  public let pathSegments: [String]
  /// The raw query string after `?`, undecoded; empty when absent.
  public let rawQuery: String
  /// The decoded query parameters, in order, repeats kept.
  public let query: QueryParameters
  /// Request headers; lookups are case-insensitive.
  public let headers: HTTPHeaders
  /// Cookies from the `Cookie` header; the first occurrence of a name wins.
  public let cookies: [String: String]
  /// The request body bytes (bounded by the server's maximum body size).
  public let body: [UInt8]
  /// The client's numeric IP address, or an empty string when unknown.
  public let remoteAddress: String
  /// Raw (already allow-listed) path parameter values, filled by the router on a match.
  public internal(set) var pathParameters: [String: String] = [:]
  /// The template of the matched route, e.g. `/operations/:id`, for logs and metrics; nil when no
  /// route matched.
  public internal(set) var routeTemplate: String?

  /// Builds a request from its parts; `target` is the raw request target (path plus optional query).
  public init(
    method: HTTPMethod, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
    remoteAddress: String = ""
  ) {
    self.method = method
    self.target = target
    let rawPath: Substring
    if let question = target.firstIndex(of: "?") {
      rawPath = target[..<question]
      rawQuery = String(target[target.index(after: question)...])
    } else {
      rawPath = target[...]
      rawQuery = ""
    }
    path = PercentDecoding.decode(rawPath, plusAsSpace: false)
    var segments = rawPath.split(separator: "/", omittingEmptySubsequences: false)
    if segments.first == "" { segments.removeFirst() }
    pathSegments = segments.map { PercentDecoding.decode($0, plusAsSpace: false) }
    query = QueryParameters(parsing: rawQuery)
    self.headers = headers
    cookies = Self.parseCookies(headers.all("Cookie"))
    self.body = body
    self.remoteAddress = remoteAddress
  }

  /// The value of cookie `name`, or nil.
  public func cookie(_ name: String) -> String? { cookies[name] }

  /// The body decoded as `application/x-www-form-urlencoded`; empty for any other content type, so
  /// a JSON body can never be mistaken for form fields.
  public var formParameters: QueryParameters {
    guard let contentType = headers["Content-Type"] else { return QueryParameters() }
    let mediaType = contentType.split(separator: ";").first.map {
      $0.trimmingSpaces.lowercased()
    }
    guard mediaType == "application/x-www-form-urlencoded" else { return QueryParameters() }
    return QueryParameters(parsing: String(decoding: body, as: UTF8.self))
  }

  /// The path parameter `name` converted to `T`, or nil when absent or not convertible.
  /// Route patterns already allow-list values, so nil here means the route declares another kind.
  public func pathParameter<T: PathParameterValue>(_ name: String, as type: T.Type = T.self) -> T? {
    pathParameters[name].flatMap(T.init(pathParameter:))
  }

  private static func parseCookies(_ lines: [String]) -> [String: String] {
    var result: [String: String] = [:]
    for line in lines {
      for item in line.split(separator: ";") {
        guard let equals = item.firstIndex(of: "=") else { continue }
        let name = item[..<equals].trimmingSpaces
        var value = item[item.index(after: equals)...].trimmingSpaces
        guard !name.isEmpty else { continue }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
          value = value.dropFirst().dropLast()
        }
        if result[String(name)] == nil { result[String(name)] = String(value) }
      }
    }
    return result
  }
}

extension Substring {
  /// The substring without leading and trailing spaces and tabs (HTTP optional whitespace).
  var trimmingSpaces: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
    let end = lastIndex(where: { !isSpace($0) })!
    return self[start...end]
  }
}
