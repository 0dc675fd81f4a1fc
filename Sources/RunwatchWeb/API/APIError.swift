import HTTPServer
import RunwatchCore
import RunwatchStore

/// An API failure as the worker sees it: an HTTP status and the `{"error": {"code", "message"}}` envelope.
/// A 409 also carries the run as it is now, so a refused worker learns why without a second request.
public struct APIError: Error, Sendable, Equatable {
  /// The HTTP status.
  public var status: HTTPStatus
  /// A stable machine code (`invalid_field`, `already_terminal`…).
  public var code: String
  /// One sentence for the person reading the worker's log. Never echoes a secret.
  public var message: String
  /// The request field at fault, for 422 (`summary_counts.processed`, `outcome`…).
  public var field: String?
  /// The run's current state, for 409.
  public var run: OperationRun?
  /// The late report stored for a refused report, for 409.
  public var lateReportID: Int64?
  /// Seconds to wait before trying again, sent as `Retry-After` (503).
  public var retryAfterSeconds: Int?

  /// Creates an error.
  public init(
    status: HTTPStatus, code: String, message: String, field: String? = nil, run: OperationRun? = nil,
    lateReportID: Int64? = nil
  ) {
    self.status = status
    self.code = code
    self.message = message
    self.field = field
    self.run = run
    self.lateReportID = lateReportID
  }

  /// 400: the body is not JSON.
  public static func malformedJSON(_ detail: String? = nil) -> APIError {
    APIError(
      status: .badRequest, code: "malformed_json",
      message: "The request body is not valid JSON" + (detail.map { ": \($0)." } ?? "."))
  }

  /// 401: no bearer token, or an unknown, malformed or revoked one. One message for every case.
  public static func unauthorized() -> APIError {
    APIError(
      status: .unauthorized, code: "unauthorized",
      message: "A valid API token is required: send Authorization: Bearer <token>.")
  }

  /// 403: the token may see the workspace but not this kind of run.
  public static func forbidden(_ capability: Capability) -> APIError {
    APIError(
      status: .forbidden, code: "forbidden",
      message: "This token lacks the \(capability.rawValue) capability.")
  }

  /// 403: a read-only token tried to report on a run.
  public static func readOnlyToken() -> APIError {
    APIError(
      status: .forbidden, code: "read_only_token",
      message:
        "This token is read-only: it can list and read runs but not report on them. Workers need a token created without --read-only."
    )
  }

  /// 404: unknown run, or one in another workspace (the same body either way).
  public static func runNotFound() -> APIError {
    APIError(status: .notFound, code: "not_found", message: "No such run.")
  }

  /// 404 for a path that is not part of the API.
  public static func routeNotFound() -> APIError {
    APIError(status: .notFound, code: "not_found", message: "No such API endpoint.")
  }

  /// 405 for a known path with another method.
  public static func methodNotAllowed() -> APIError {
    APIError(
      status: .methodNotAllowed, code: "method_not_allowed",
      message: "This endpoint does not accept that method.")
  }

  /// 413: the body is over the server's limit.
  public static func payloadTooLarge() -> APIError {
    APIError(
      status: .payloadTooLarge, code: "payload_too_large",
      message: "The request body is over the 1 MiB limit.")
  }

  /// 415: a body that is not `application/json`.
  public static func unsupportedMediaType() -> APIError {
    APIError(
      status: .unsupportedMediaType, code: "unsupported_media_type",
      message: "Send the body as application/json.")
  }

  /// 422: `field` is missing or has a value the API does not accept; `problem` says which.
  public static func invalidField(_ field: String, _ problem: String) -> APIError {
    APIError(
      status: .unprocessableContent, code: "invalid_field", message: "\(field): \(problem)", field: field)
  }

  /// 500: something broke on our side; details go to the log, not the worker.
  public static func internalError() -> APIError {
    APIError(
      status: .internalServerError, code: "internal_error",
      message: "The server could not handle this request; it was logged.")
  }

  /// 503: the storage cannot take the request now (disk full, I/O error, lock not granted in time) but may
  /// shortly; nothing was written, so the worker can send the same request again after `Retry-After`.
  public static func storageUnavailable() -> APIError {
    var error = APIError(
      status: .serviceUnavailable, code: "storage_unavailable",
      message: "The server cannot store this now (storage full or busy); nothing was written. Retry later.")
    error.retryAfterSeconds = storageRetryAfterSeconds
    return error
  }

  /// The `Retry-After` sent while the storage is unavailable.
  public static let storageRetryAfterSeconds = 5

  /// 409 (or 404 when the run vanished) for a transition the lifecycle service refused.
  public static func refused(_ refusal: Refusal) -> APIError {
    guard refusal.reason != .notFound, let run = refusal.run else { return runNotFound() }
    return APIError(
      status: .conflict, code: refusal.reason.rawValue, message: refusal.reason.message, run: run,
      lateReportID: refusal.lateReportID)
  }
}
