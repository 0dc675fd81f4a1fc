import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore

/// The worker API under `/api/v1`: JSON in and out, `Authorization: Bearer <token>` (workspace-scoped).
/// Routes stay thin: authenticate, allow-list the input, call the lifecycle service, render the run.
public enum APIRoutes {
  /// Registers every endpoint of `routes` on `router`, and makes the router answer JSON errors (404, 405, 413)
  /// for any path under `/api/`. Call it after the app has set its own `errorRenderer` and
  /// `notFoundHandler`: it wraps them and keeps them for every other path.
  public static func register(on router: inout Router, environment: WebEnvironment) {
    let handlers = APIHandlers(environment: environment)
    let table: [String: @Sendable (APIHandlers, HTTPRequest, Principal) throws -> HTTPResponse] = [
      "POST /runs": { try $0.createRun($1, $2) },
      "GET /runs": { try $0.listRuns($1, $2) },
      "GET /runs/{id}": { try $0.showRun($1, $2) },
      "POST /runs/{id}/start": { try $0.start($1, $2) },
      "POST /runs/{id}/heartbeat": { try $0.heartbeat($1, $2) },
      "POST /runs/{id}/complete": { try $0.complete($1, $2) },
      "POST /runs/{id}/queue-failure": { try $0.queueFailure($1, $2) },
      "PUT /linked-records/{kind}/{record_id}": { try $0.updateLinkedRecord($1, $2) },
    ]
    for spec in routes where !spec.requiresToken {
      router.on(spec.method, spec.routerPattern) { request in handlers.openAPIDocument(request) }
    }
    for spec in routes where spec.requiresToken {
      guard let handler = table["\(spec.method.rawValue) \(spec.path)"] else { continue }
      let reports = spec.reports
      router.on(spec.method, spec.routerPattern) { request in
        handlers.authenticated(request) { principal in
          if reports { try handlers.requireReporting(principal) }
          return try handler(handlers, request, principal)
        }
      }
    }

    let appRenderer = router.errorRenderer
    router.errorRenderer = { request, status in
      guard isAPIPath(request.path) else { return appRenderer(request, status) }
      return render(apiError(for: status))
    }
    let appNotFound = router.notFoundHandler
    router.notFoundHandler = { request in
      guard isAPIPath(request.path) else {
        return appNotFound?(request) ?? appRenderer(request, .notFound)
      }
      return render(.routeNotFound())
    }
  }

  /// Whether `path` belongs to the API (and so gets JSON errors).
  public static func isAPIPath(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }

  /// The API error for a status the router or server produced on its own.
  static func apiError(for status: HTTPStatus) -> APIError {
    switch status {
    case .notFound: .routeNotFound()
    case .methodNotAllowed: .methodNotAllowed()
    case .payloadTooLarge: .payloadTooLarge()
    default:
      APIError(
        status: status, code: status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
        message: ShellPages.kind(for: status).sentence)
    }
  }

  /// The error envelope, with the run under `"run"` for a 409 (encoded by `loader`).
  static func render(_ error: APIError, loader: APIRunLoader? = nil) -> HTTPResponse {
    let runObject = error.run.flatMap { run in loader.flatMap { try? $0.json(run) } }
    return render(error, runObject: runObject)
  }

  /// The error envelope with an already built run object under `"run"` (a 409 answered from the transaction
  /// that refused it), or without one when `runObject` is nil.
  static func render(_ error: APIError, runObject: JSONValue?) -> HTTPResponse {
    var inner: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
    if let field = error.field { inner["field"] = .string(field) }
    if let id = error.lateReportID { inner["late_report_id"] = .number(Double(id)) }
    var envelope: [String: JSONValue] = ["error": .object(inner)]
    if let runObject { envelope["run"] = runObject }
    var response = HTTPResponse.json(JSONValue.object(envelope).jsonBytes, status: error.status)
    if error.status == .unauthorized { response.headers.set("WWW-Authenticate", "Bearer") }
    if let seconds = error.retryAfterSeconds { response.headers.set("Retry-After", "\(seconds)") }
    return response
  }
}
