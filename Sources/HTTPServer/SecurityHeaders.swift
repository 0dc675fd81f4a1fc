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
