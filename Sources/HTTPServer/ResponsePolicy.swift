/// Post-processes every response the router produces — matched, not-found, 405 and server
/// rejections (413) alike — so response-wide rules live in one place.
public protocol ResponsePolicy: Sendable {
  /// Adjusts `response` for `request`.
  func apply(to response: inout HTTPResponse, for request: HTTPRequest)
}

/// Wraps the handling of matched routes (after parameters are allow-listed), e.g. for a CSRF or
/// same-origin check that must run before any state-changing handler.
public protocol Middleware: Sendable {
  /// Answers `request`, usually by calling `next`, or short-circuits with its own response.
  func respond(to request: HTTPRequest, next: (HTTPRequest) -> HTTPResponse) -> HTTPResponse
}

/// The default security headers for a server-rendered app with no inline script.
///
/// Security headers always replace what a handler set (one policy, no accidental weakening);
/// `Cache-Control: private, no-store` is only added when the handler chose no caching itself,
/// which lets static assets opt into long-lived caching.
public struct SecurityHeaders: ResponsePolicy {
  /// The `Content-Security-Policy` value.
  public var contentSecurityPolicy: String
  /// The `Referrer-Policy` value.
  public var referrerPolicy: String
  /// The `X-Frame-Options` value.
  public var frameOptions: String
  /// `Cache-Control` used when the handler set none.
  public var defaultCacheControl: String

  /// The house defaults: same-origin resources only, no framing, no caching of pages.
  public init(
    contentSecurityPolicy: String =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    referrerPolicy: String = "same-origin",
    frameOptions: String = "DENY",
    defaultCacheControl: String = "private, no-store"
  ) {
    self.contentSecurityPolicy = contentSecurityPolicy
    self.referrerPolicy = referrerPolicy
    self.frameOptions = frameOptions
    self.defaultCacheControl = defaultCacheControl
  }

  /// Sets the headers on `response`.
  public func apply(to response: inout HTTPResponse, for request: HTTPRequest) {
    response.headers.set("Content-Security-Policy", contentSecurityPolicy)
    response.headers.set("X-Content-Type-Options", "nosniff")
    response.headers.set("Referrer-Policy", referrerPolicy)
    response.headers.set("X-Frame-Options", frameOptions)
    if !response.headers.contains("Cache-Control") {
      response.headers.set("Cache-Control", defaultCacheControl)
    }
  }
}

/// What the router reports after each request, for debug logging and metrics.
public struct RequestMetrics: Sendable {
  /// The request method.
  public var method: HTTPMethod
  /// The matched route template (`/operations/:id`), or nil when no route matched; never the raw
  /// path, so metrics labels stay bounded.
  public var routeTemplate: String?
  /// The final status.
  public var status: HTTPStatus
  /// Time spent producing the response, policies included.
  public var duration: Duration
}

/// Something the server can hand requests to. `Router` is the usual one.
public protocol HTTPResponder: Sendable {
  /// Produces the response for a complete request. Runs synchronously on a server pool thread.
  func respond(to request: HTTPRequest) -> HTTPResponse
  /// Produces the response when the server rejects a request before it is complete (413 for an
  /// oversized body); `request` has headers but no body.
  func respond(rejecting request: HTTPRequest, status: HTTPStatus) -> HTTPResponse
}

extension HTTPResponder {
  /// A plain-text error, for responders that do not style rejections.
  public func respond(rejecting request: HTTPRequest, status: HTTPStatus) -> HTTPResponse {
    .text(status.description + "\n", status: status)
  }
}

/// Adapts a bare closure to `HTTPResponder`.
public struct ClosureResponder: HTTPResponder {
  private let handler: @Sendable (HTTPRequest) -> HTTPResponse

  /// Wraps `handler`.
  public init(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.handler = handler }

  /// Calls the closure.
  public func respond(to request: HTTPRequest) -> HTTPResponse { handler(request) }
}
