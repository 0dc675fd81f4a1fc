import HTTPServer

/// One worker API endpoint: how it is registered and which statuses it can answer. The OpenAPI test checks
/// docs/openapi.yaml against this table in both directions, and live tests check every answer against it.
public struct APIRouteSpec: Sendable, Equatable {
  /// The method.
  public var method: HTTPMethod
  /// The path as OpenAPI writes it, relative to `/api/v1`: `/runs/{id}/start`.
  public var path: String
  /// Every status the handler can answer.
  public var statuses: Set<Int>
  /// Whether a bearer token is required (all but the API document).
  public var requiresToken = true

  /// Whether the endpoint reports (every POST and PUT): it needs the `runs.report` capability, which
  /// read-only tokens lack (403 `read_only_token`, before the body is read).
  public var reports: Bool { method != .get && requiresToken }

  /// The router pattern: the OpenAPI path under the prefix, `{id}` as an allow-listed positive id, `{kind}` and
  /// `{record_id}` as segments (1–200 characters, narrowed by the handler).
  public var routerPattern: String {
    APIRoutes.prefix
      + path.replacingOccurrences(of: "{id}", with: ":id(id)")
      .replacingOccurrences(of: "{kind}", with: ":kind(segment)")
      .replacingOccurrences(of: "{record_id}", with: ":record_id(segment)")
  }
}

extension APIRoutes {
  /// Where the worker API lives.
  public static let prefix = "/api/v1"

  /// Statuses any POST with a body can answer before its handler decides: bad token, body over the limit,
  /// wrong content type, malformed JSON, a body that is not an object, a server fault.
  static let bodyStatuses: Set<Int> = [400, 401, 413, 415, 422, 500, 503]
  /// Statuses of every run-scoped endpoint: unknown run or another workspace's (404), a type the token may
  /// not see (403).
  static let runStatuses: Set<Int> = [401, 403, 404, 500, 503]

  /// Every endpoint, in registration order.
  public static let routes: [APIRouteSpec] = [
    APIRouteSpec(method: .get, path: "/openapi.yaml", statuses: [200, 304, 404], requiresToken: false),
    APIRouteSpec(method: .post, path: "/runs", statuses: bodyStatuses.union([201, 403])),
    APIRouteSpec(method: .get, path: "/runs", statuses: [200, 401, 403, 422, 500, 503]),
    APIRouteSpec(method: .get, path: "/runs/{id}", statuses: runStatuses.union([200])),
    APIRouteSpec(
      method: .post, path: "/runs/{id}/start", statuses: bodyStatuses.union(runStatuses).union([200, 409])),
    APIRouteSpec(
      method: .post, path: "/runs/{id}/heartbeat",
      statuses: bodyStatuses.union(runStatuses).union([200, 409])),
    APIRouteSpec(
      method: .post, path: "/runs/{id}/complete", statuses: bodyStatuses.union(runStatuses).union([200, 409])),
    APIRouteSpec(
      method: .post, path: "/runs/{id}/queue-failure",
      statuses: bodyStatuses.union(runStatuses).union([200, 409])),
    APIRouteSpec(
      method: .put, path: "/linked-records/{kind}/{record_id}", statuses: bodyStatuses.union([200, 403, 404])),
  ]
}
