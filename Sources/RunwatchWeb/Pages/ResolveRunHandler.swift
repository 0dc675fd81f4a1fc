import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /operations/<id>/resolve` (the confirmation, with a note field) and `POST` (mark it failed): the way out
/// for a likely-stale run nothing else will finish. Needs `operations.resolve` in the run's workspace; the run
/// itself is authorized like its page (another tenant's run is "not found"). The session layer has checked CSRF
/// and origin on the POST; the lifecycle service decides, compare-and-set, so a worker that finishes first wins.
struct ResolveRunHandler: Sendable {
  let environment: WebEnvironment

  func confirm(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try withResolvableRun(request, viewer: viewer) { run in
        form(
          ResolveRunView(run: run, tenantName: try tenantName(run), deadline: deadline(run), now: now()),
          viewer: viewer, status: .ok)
      }
    }
  }

  func resolve(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try withResolvableRun(request, viewer: viewer) { run in
        let typed = request.formParameters.first("note") ?? ""
        let note = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        let problem: String? =
          note.isEmpty
          ? "Write a note: the next person to open this run reads it to understand why it was failed by hand."
          : note.count > ResolveRunPage.noteLimit
            ? "The note is longer than \(ResolveRunPage.noteLimit) characters; shorten it." : nil
        if let problem {
          return form(
            ResolveRunView(
              run: run, tenantName: try tenantName(run), deadline: deadline(run), note: typed, error: problem,
              now: now()), viewer: viewer, status: .unprocessableContent)
        }
        let result = try environment.lifecycle.resolve(
          runID: run.id, note: note, operatorName: viewer.user.name, by: viewer.principal.actor(source: "web")
        )
        switch result {
        case .applied(let done): return .redirect(to: done.canonicalPath)
        case .refused(let refusal):
          return nothingToResolve(refusal.run ?? run, refusal: refusal.reason, viewer: viewer)
        }
      }
    }
  }

  /// Runs `body` with the run when the viewer may resolve it and it is likely stale; otherwise the same 404 as
  /// any run the viewer may not see, a 403 naming `operations.resolve`, or a 409 saying why nothing changes.
  private func withResolvableRun(
    _ request: HTTPRequest, viewer: Viewer, _ body: (OperationRun) throws -> HTTPResponse
  ) throws -> HTTPResponse {
    guard let id = request.pathParameter("id", as: Int64.self) else {
      return PageResponses.error(.notFound, viewer: viewer, environment: environment)
    }
    let run = try environment.database.authorizeRun(id: id, principal: viewer.principal).orRefuse()
    guard viewer.principal.workspaces[run.workspaceID]?.has(.operationsResolve) == true else {
      return PageResponses.error(
        .forbidden(missingCapability: Capability.operationsResolve.rawValue), viewer: viewer,
        environment: environment)
    }
    if run.status.isTerminal {
      return nothingToResolve(run, refusal: .alreadyTerminal, viewer: viewer)
    }
    guard run.freshness(policy: environment.policy, now: now()) == .likelyStale else {
      return nothingToResolve(run, refusal: .notStale, viewer: viewer)
    }
    return try body(run)
  }

  private func nothingToResolve(_ run: OperationRun, refusal: RefusalReason, viewer: Viewer) -> HTTPResponse {
    let reason =
      switch refusal {
      case .alreadyTerminal:
        "It has already finished (\(run.outcome.rawValue.replacingOccurrences(of: "_", with: " "))): its worker, "
          + "its queue or the reconciler completed it first, and that result stands."
      case .notStale:
        "It is not likely stale: its worker reported within its window, so it is still making progress."
      default: refusal.message
      }
    let chrome = viewer.chrome(environment: environment, section: .operations)
    return .html(
      bytes: ResolveRunPage.nothingToResolve(run, reason: reason, chrome: chrome).utf8, status: .conflict)
  }

  private func form(_ view: ResolveRunView, viewer: Viewer, status: HTTPStatus) -> HTTPResponse {
    .html(
      bytes: ResolveRunPage.render(
        view, chrome: viewer.chrome(environment: environment, section: .operations)
      ).utf8,
      status: status)
  }

  private func tenantName(_ run: OperationRun) throws -> String? {
    try run.tenantID.map { id in try environment.database.tenantNames(ids: [id])[id] ?? "Tenant #\(id)" }
  }

  private func deadline(_ run: OperationRun) -> StaleDeadline? {
    run.activeDeadline(policy: environment.policy)
  }

  private func now() -> Date { environment.clock.now() }
}
