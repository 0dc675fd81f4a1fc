/// An HTTP response: status, ordered headers (repeats allowed) and body bytes.
/// The server copies the bytes into libmicrohttpd (`MHD_RESPMEM_MUST_COPY`), so nothing here
/// outlives the handler call.
public struct HTTPResponse: Sendable, Equatable {
  /// The status code.
  public var status: HTTPStatus
  /// Response headers. `Content-Length` is computed by the server and ignored if set here.
  public var headers: HTTPHeaders
  /// The body bytes.
  public var body: [UInt8]

  /// A response from its parts.
  public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The body as UTF-8 text (tests and logs).
  public var bodyText: String { String(decoding: body, as: UTF8.self) }

  /// An HTML page (`text/html; charset=utf-8`). Escaping is the template layer's job.
  public static func html(_ html: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(html.utf8))
  }

  /// An HTML page from its UTF-8 bytes.
  public static func html(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: bytes)
  }

  /// A JSON document (`application/json`) from already-encoded bytes.
  public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
  }

  /// A JSON document (`application/json`) from already-encoded text.
  public static func json(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
    json(Array(text.utf8), status: status)
  }

  /// Plain text (`text/plain; charset=utf-8`).
  public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
  }

  /// A redirect to `location` with an empty body; 303 by default, the right answer after a POST.
  public static func redirect(to location: String, status: HTTPStatus = .seeOther) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Location": location])
  }
}
