import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore

/// The handlers behind `APIRoutes`, sharing the environment. Each returns the success response or throws an
/// `APIError`; `authenticated` turns errors into the JSON envelope and anything unexpected into a logged 500.
struct APIHandlers: Sendable {
  let environment: WebEnvironment

  var database: RunwatchDatabase { environment.database }
  var lifecycle: LifecycleService { environment.lifecycle }

  /// Resolves the bearer token (401 when missing, malformed, unknown or revoked), then runs `body`.
  func authenticated(_ request: HTTPRequest, _ body: (Principal) throws -> HTTPResponse) -> HTTPResponse {
    do {
      guard let secret = Self.bearerSecret(request.headers["Authorization"]),
        let principal = try environment.identity.principal(bearerToken: secret)
      else { return APIRoutes.render(.unauthorized()) }
      return try body(principal)
    } catch let error as APIError {
      return APIRoutes.render(error, loader: loader())
    } catch  where RunwatchDatabase.isTransientFault(error) {
      environment.logger.warning(
        "api.storage_unavailable",
        metadata: ["http.route": "\(request.routeTemplate ?? "")", "error": "\(String(describing: error))"])
      return APIRoutes.render(.storageUnavailable())
    } catch {
      environment.logger.error(
        "api.request_failed",
        metadata: ["http.route": "\(request.routeTemplate ?? "")", "error": "\(String(describing: error))"])
      return APIRoutes.render(.internalError())
    }
  }

  /// The secret from `Authorization: Bearer <secret>` (scheme case-insensitive), or nil.
  ///
  /// Every request passes here, so an ASCII header (any real one) is read byte by byte; anything else takes
  /// `bearerSecretByCharacters`, whose answers the fast path matches (tested on random headers).
  static func bearerSecret(_ header: String?) -> String? {
    guard let header else { return nil }
    guard header.utf8.allSatisfy({ $0 < 0x80 }) else { return bearerSecretByCharacters(header) }
    let space = UInt8(ascii: " ")
    let bytes = Array(header.utf8)
    var index = 0
    while index < bytes.count, bytes[index] == space { index += 1 }
    let schemeStart = index
    while index < bytes.count, bytes[index] != space { index += 1 }
    let scheme = bytes[schemeStart..<index]
    guard index < bytes.count, scheme.count == 6,
      zip(scheme, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
    else { return nil }
    var start = index + 1
    var end = bytes.count
    let isBlank = { (byte: UInt8) in byte == space || byte == UInt8(ascii: "\t") }
    while start < end, isBlank(bytes[start]) { start += 1 }
    while end > start, isBlank(bytes[end - 1]) { end -= 1 }
    return start == end ? nil : String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// `bearerSecret` by `Character`s and Foundation's whitespace (for headers that are not ASCII).
  static func bearerSecretByCharacters(_ header: String) -> String? {
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    let secret = parts[1].trimmingCharacters(in: .whitespaces)
    return secret.isEmpty ? nil : secret
  }

  func loader() -> APIRunLoader { APIRunLoader(database: database, now: environment.clock.now()) }

  func json(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
    .json(value.jsonBytes, status: status)
  }

  /// `GET /api/v1/openapi.yaml`: the document shipped in the assets directory (no token needed), with its
  /// ETag; 404 in the API's JSON when this server's assets lack it.
  func openAPIDocument(_ request: HTTPRequest) -> HTTPResponse {
    guard let response = environment.assets?.respond(to: request, file: "openapi.yaml") else {
      return APIRoutes.render(
        APIError(
          status: .notFound, code: "not_found",
          message: "This server has no API document: its assets directory lacks openapi.yaml."))
    }
    return response
  }

  /// Refuses a principal that may not report on runs (a read-only token) with 403 `read_only_token`.
  func requireReporting(_ principal: Principal) throws(APIError) {
    guard !principal.workspaces.isEmpty, principal.workspaces.values.allSatisfy({ $0.has(.runsReport) })
    else {
      throw .readOnlyToken()
    }
  }

  /// The single workspace a token reaches.
  func workspaceID(of principal: Principal) throws(APIError) -> Int64 {
    guard principal.workspaces.count == 1, let id = principal.workspaces.keys.first else {
      throw .unauthorized()
    }
    return id
  }

  /// The id of the run named by the path, if the principal may open it: 404 when missing or another
  /// workspace's. Decided on the run's minimal access read; the lifecycle service reads the run itself.
  func authorizedRunID(_ request: HTTPRequest, _ principal: Principal) throws -> Int64 {
    guard let id = request.pathParameter("id", as: Int64.self) else { throw APIError.runNotFound() }
    switch try database.authorizeRunAccess(id: id, principal: principal) {
    case .allowed: return id
    case .notFound: throw APIError.runNotFound()
    case .forbidden(let capability): throw APIError.forbidden(capability)
    }
  }

  /// The run after a transition: 200 with the run, or the refusal as 409.
  func transitioned(_ result: TransitionResult) throws -> HTTPResponse {
    switch result {
    case .applied(let run): return json(try loader().json(run))
    case .refused(let refusal): throw APIError.refused(refusal)
    }
  }

  func createRun(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    let create = try CreateRunRequest(body: try APIBody(request: request))
    let workspaceID = try workspaceID(of: principal)
    if let tenantID = create.tenantID {
      guard let tenant = try database.tenant(id: tenantID), tenant.workspaceID == workspaceID else {
        throw APIError.invalidField("tenant_id", "no such tenant in this token's workspace")
      }
      guard !tenant.isArchived else { throw APIError.invalidField("tenant_id", "the tenant is archived") }
    }
    var initiatorID: Int64?
    if let email = create.initiatorEmail {
      guard let user = try database.user(email: email),
        try database.memberships(userID: user.id).contains(where: { $0.workspaceID == workspaceID })
      else { throw APIError.invalidField("initiator", "no member of this token's workspace has this e-mail") }
      initiatorID = user.id
    }
    let run = try lifecycle.create(
      NewRun(
        workspaceID: workspaceID, tenantID: create.tenantID, initiatorUserID: initiatorID, type: create.type,
        context: create.context, linkedRecord: create.linkedRecord),
      by: principal.actor(source: "api"))
    var response = json(try loader().json(run), status: .created)
    response.headers.set("Location", "\(APIRoutes.prefix)/runs/\(run.id)")
    return response
  }

  func listRuns(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    let query = try APIListQuery(query: request.query)
    let scope: RunScope
    switch database.runScope(for: principal, in: try workspaceID(of: principal)) {
    case .allowed(let allowed): scope = allowed
    case .notFound: throw APIError.unauthorized()
    case .forbidden(let capability): throw APIError.forbidden(capability)
    }
    let now = environment.clock.now()
    let page = try database.listRuns(
      scope: scope, filter: query.filter, before: query.after, limit: query.limit, now: now)
    let loader = APIRunLoader(database: database, now: now)
    return json([
      "runs": .array(try loader.json(page.runs)),
      "next": page.olderCursor.map { .string(APIListQuery.cursor(afterRunID: $0)) } ?? .null,
    ])
  }

  func showRun(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    guard let id = request.pathParameter("id", as: Int64.self) else { throw APIError.runNotFound() }
    switch try database.authorizeRunDetails(id: id, principal: principal) {
    case .allowed(let details):
      return .json(APIRunObject.utf8(details, policy: database.policy, now: environment.clock.now()))
    case .notFound: throw APIError.runNotFound()
    case .forbidden(let capability): throw APIError.forbidden(capability)
    }
  }

  func start(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    let runID = try authorizedRunID(request, principal)
    let start = try StartRequest(body: try APIBody(request: request))
    return try transitioned(
      lifecycle.start(runID: runID, worker: start.worker, by: principal.actor(source: "api")))
  }

  /// The hot path of a busy fleet: the token comes from the identity service's short cache, and the access
  /// check, the heartbeat and every read the run object needs share one write transaction (see
  /// `LifecycleService.heartbeat(runID:summaryCounts:by:authorizedFor:)`).
  func heartbeat(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    guard let id = request.pathParameter("id", as: Int64.self) else { throw APIError.runNotFound() }
    let beat: HeartbeatRequest
    do {
      beat = try HeartbeatRequest(body: try APIBody(request: request))
    } catch {
      // A run the token cannot see is a 404 (or 403) whatever the body, as when access was checked first.
      _ = try authorizedRunID(request, principal)
      throw error
    }
    let outcome = try lifecycle.heartbeat(
      runID: id, summaryCounts: beat.summaryCounts, by: principal.actor(source: "api"),
      authorizedFor: principal)
    switch outcome {
    case .notFound: throw APIError.runNotFound()
    case .forbidden(let capability): throw APIError.forbidden(capability)
    case .allowed(let transition):
      let (policy, now) = (database.policy, environment.clock.now())
      switch transition.result {
      case .applied: return .json(APIRunObject.utf8(transition.details, policy: policy, now: now))
      case .refused(let refusal):
        return APIRoutes.render(
          .refused(refusal), runObject: APIRunObject.json(transition.details, policy: policy, now: now))
      }
    }
  }

  func complete(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    let runID = try authorizedRunID(request, principal)
    let report = try CompleteRunRequest(body: try APIBody(request: request))
    return try transitioned(
      lifecycle.complete(
        runID: runID, outcome: report.outcome, summaryCounts: report.summaryCounts,
        failures: report.failures,
        by: principal.actor(source: "api")))
  }

  /// `PUT /linked-records/{kind}/{record_id}`: records the record's status on the token's workspace's active runs
  /// linked to it (none is not an error); the next reconcile pass completes them when the status is terminal.
  func updateLinkedRecord(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    guard let kind = request.pathParameter("kind", as: String.self),
      let recordID = request.pathParameter("record_id", as: String.self)
    else { throw APIError.routeNotFound() }
    let update = try LinkedRecordRequest(kind: kind, recordID: recordID, body: try APIBody(request: request))
    let workspaceID = try workspaceID(of: principal)
    let touched = try database.updateLinkedRecord(
      kind: update.kind, externalID: update.recordID, status: update.status, inWorkspace: workspaceID)
    return json([
      "kind": .string(update.kind), "id": .string(update.recordID),
      "status": .string(update.status.trimmingCharacters(in: .whitespaces).lowercased()),
      "runs_updated": .number(Double(touched)),
    ])
  }

  func queueFailure(_ request: HTTPRequest, _ principal: Principal) throws -> HTTPResponse {
    let runID = try authorizedRunID(request, principal)
    let failure = try QueueFailureRequest(body: try APIBody(request: request))
    return try transitioned(
      lifecycle.bridgeQueueFailure(runID: runID, report: failure.report, by: principal.actor(source: "api")))
  }
}
