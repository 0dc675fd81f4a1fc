/// An HTTP status code with its standard reason phrase.
public struct HTTPStatus: Hashable, Sendable, CustomStringConvertible {
  /// The numeric code, e.g. 404.
  public let code: Int

  /// Wraps any code; unknown codes get the generic phrase of their class.
  public init(code: Int) { self.code = code }

  /// The standard reason phrase, e.g. "Not Found".
  public var reasonPhrase: String {
    if let phrase = Self.phrases[code] { return phrase }
    switch code {
    case 100..<200: return "Informational"
    case 200..<300: return "Success"
    case 300..<400: return "Redirection"
    case 400..<500: return "Client Error"
    default: return "Server Error"
    }
  }

  /// True for 4xx and 5xx codes.
  public var isError: Bool { code >= 400 }

  /// "404 Not Found".
  public var description: String { "\(code) \(reasonPhrase)" }

  /// 200.
  public static let ok = HTTPStatus(code: 200)
  /// 201.
  public static let created = HTTPStatus(code: 201)
  /// 202.
  public static let accepted = HTTPStatus(code: 202)
  /// 204.
  public static let noContent = HTTPStatus(code: 204)
  /// 301.
  public static let movedPermanently = HTTPStatus(code: 301)
  /// 302.
  public static let found = HTTPStatus(code: 302)
  /// 303: the redirect to use after a successful form POST.
  public static let seeOther = HTTPStatus(code: 303)
  /// 304.
  public static let notModified = HTTPStatus(code: 304)
  /// 400.
  public static let badRequest = HTTPStatus(code: 400)
  /// 401.
  public static let unauthorized = HTTPStatus(code: 401)
  /// 403.
  public static let forbidden = HTTPStatus(code: 403)
  /// 404.
  public static let notFound = HTTPStatus(code: 404)
  /// 405.
  public static let methodNotAllowed = HTTPStatus(code: 405)
  /// 408: the request did not arrive in full within the request deadline.
  public static let requestTimeout = HTTPStatus(code: 408)
  /// 409.
  public static let conflict = HTTPStatus(code: 409)
  /// 413.
  public static let payloadTooLarge = HTTPStatus(code: 413)
  /// 414: the request target is too long or has too many query parameters.
  public static let uriTooLong = HTTPStatus(code: 414)
  /// 415.
  public static let unsupportedMediaType = HTTPStatus(code: 415)
  /// 422.
  public static let unprocessableContent = HTTPStatus(code: 422)
  /// 429.
  public static let tooManyRequests = HTTPStatus(code: 429)
  /// 500.
  public static let internalServerError = HTTPStatus(code: 500)
  /// 501: a transfer coding the server does not implement (RFC 9112 §6.1).
  public static let notImplemented = HTTPStatus(code: 501)
  /// 503.
  public static let serviceUnavailable = HTTPStatus(code: 503)

  private static let phrases: [Int: String] = [
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
    308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
    409: "Conflict", 410: "Gone", 411: "Length Required", 413: "Content Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  ]
}
