/// Maps method + path pattern to handlers, allow-lists path parameters, answers unknown paths
/// with the not-found handler and known paths with a wrong method with 405 + `Allow`, then runs
/// every response through the response policies and reports timing.
///
/// Build it once at startup (it is a value), then hand it to `HTTPServer.start`.
/// Routes are tried in registration order; a `GET` route also answers `HEAD`.
public struct Router: HTTPResponder {
  /// A request handler; runs synchronously on a server pool thread.
  public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

  struct Route: Sendable {
    let method: HTTPMethod
    let pattern: RoutePattern
    let handler: Handler
  }

  private var routes: [Route] = []

  /// Renders error statuses (404, 405, 413) so the app can style them; the router adds `Allow`.
  public var errorRenderer: @Sendable (HTTPRequest, HTTPStatus) -> HTTPResponse
  /// Answers requests that match no route (unknown path or a parameter outside its allow-list).
  /// Defaults to `errorRenderer(request, .notFound)`.
  public var notFoundHandler: Handler?
  /// Applied, in order, to every response.
  public var policies: [any ResponsePolicy]
  /// Wraps matched handlers, first element outermost.
  public var middleware: [any Middleware] = []
  /// Called after each request with method, route template, status and duration.
  public var onRequestCompleted: (@Sendable (RequestMetrics) -> Void)?

  /// An empty router with `SecurityHeaders` as its policy and plain-text error pages.
  public init(policies: [any ResponsePolicy] = [SecurityHeaders()]) {
    self.policies = policies
    errorRenderer = { _, status in .text(status.description + "\n", status: status) }
  }

  /// Registers `handler` for `method` requests whose path matches `pattern` (see `RoutePattern`).
  public mutating func on(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler) {
    routes.append(Route(method: method, pattern: RoutePattern(pattern), handler: handler))
  }

  /// Registers a `GET` (and `HEAD`) route.
  public mutating func get(_ pattern: String, _ handler: @escaping Handler) {
    on(.get, pattern, handler)
  }

  /// Registers a `POST` route.
  public mutating func post(_ pattern: String, _ handler: @escaping Handler) {
    on(.post, pattern, handler)
  }

  /// Registers a `PUT` route.
  public mutating func put(_ pattern: String, _ handler: @escaping Handler) {
    on(.put, pattern, handler)
  }

  /// Registers a `DELETE` route.
  public mutating func delete(_ pattern: String, _ handler: @escaping Handler) {
    on(.delete, pattern, handler)
  }

  /// Serves `files` under its prefix with `GET`/`HEAD`.
  public mutating func mount(_ files: StaticFiles) {
    get(files.routePattern) { request in files.respond(to: request) }
  }

  /// Every registered route as (method, template), e.g. to pre-register metrics series.
  public var routeTemplates: [(method: HTTPMethod, template: String)] {
    routes.map { ($0.method, $0.pattern.template) }
  }

  /// Routes `request` and returns the final response (policies applied, timing reported).
  public func respond(to request: HTTPRequest) -> HTTPResponse {
    let start = ContinuousClock.now
    var request = request
    var response = route(&request)
    finish(&response, request: request, start: start)
    return response
  }

  /// Renders a server-side rejection (e.g. 413) through the error renderer and policies.
  public func respond(rejecting request: HTTPRequest, status: HTTPStatus) -> HTTPResponse {
    let start = ContinuousClock.now
    var response = errorRenderer(request, status)
    response.status = status
    finish(&response, request: request, start: start)
    return response
  }

  private func route(_ request: inout HTTPRequest) -> HTTPResponse {
    var allowed: [HTTPMethod] = []
    let lookupMethod = request.method == .head ? HTTPMethod.get : request.method
    var fallback: (Route, [String: String])?
    for route in routes {
      guard let parameters = route.pattern.match(request.pathSegments) else { continue }
      if route.method == request.method {
        return dispatch(route, parameters: parameters, request: &request)
      }
      if route.method == lookupMethod, fallback == nil { fallback = (route, parameters) }
      if !allowed.contains(route.method) { allowed.append(route.method) }
    }
    if let (route, parameters) = fallback {
      return dispatch(route, parameters: parameters, request: &request)
    }
    if allowed.isEmpty {
      return notFoundHandler?(request) ?? errorRenderer(request, .notFound)
    }
    if let get = allowed.firstIndex(of: .get), !allowed.contains(.head) {
      allowed.insert(.head, at: get + 1)
    }
    var response = errorRenderer(request, .methodNotAllowed)
    response.status = .methodNotAllowed
    response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
    return response
  }

  private func dispatch(_ route: Route, parameters: [String: String], request: inout HTTPRequest)
    -> HTTPResponse
  {
    request.pathParameters = parameters
    request.routeTemplate = route.pattern.template
    var next: (HTTPRequest) -> HTTPResponse = route.handler
    for layer in middleware.reversed() {
      let inner = next
      next = { layer.respond(to: $0, next: inner) }
    }
    return next(request)
  }

  private func finish(_ response: inout HTTPResponse, request: HTTPRequest, start: ContinuousClock.Instant) {
    for policy in policies { policy.apply(to: &response, for: request) }
    onRequestCompleted?(
      RequestMetrics(
        method: request.method, routeTemplate: request.routeTemplate, status: response.status,
        duration: ContinuousClock.now - start))
  }
}
