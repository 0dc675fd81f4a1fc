/// Wraps the handling of matched routes (after parameters are allow-listed), e.g. for a CSRF or
/// same-origin check that must run before any state-changing handler.
public protocol Middleware: Sendable {
  /// Answers `request`, usually by calling `next`, or short-circuits with its own response.
  func respond(to request: HTTPRequest, next: (HTTPRequest) -> HTTPResponse) -> HTTPResponse
}
