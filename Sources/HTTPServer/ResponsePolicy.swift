/// Post-processes every response the router produces — matched, not-found, 405 and server
/// rejections (413) alike — so response-wide rules live in one place.
public protocol ResponsePolicy: Sendable {
  /// Adjusts `response` for `request`.
  func apply(to response: inout HTTPResponse, for request: HTTPRequest)
}
