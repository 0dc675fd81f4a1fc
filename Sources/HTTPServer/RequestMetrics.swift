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
