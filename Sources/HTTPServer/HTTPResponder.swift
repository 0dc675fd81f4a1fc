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
