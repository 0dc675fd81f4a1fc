import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /operations/<id>`: the canonical run page. Authorization decides first; a run the viewer must not know
/// about answers exactly like a missing one.
struct RunDetailHandler: Sendable {
  /// Related audit events shown (newest first); the full history is in `/audit?run=<id>`.
  static let auditEventLimit = 20

  let environment: WebEnvironment

  func respond(to request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try markNotificationRead(request, viewer: viewer)
      // Read-only: every query of the page in one read transaction (one snapshot).
      return try environment.database.snapshot {
        guard let id = request.pathParameter("id", as: Int64.self) else {
          return PageResponses.error(.notFound, viewer: viewer, environment: environment)
        }
        let run = try environment.database.authorizeRun(id: id, principal: viewer.principal).orRefuse()
        var view = try detailView(for: run, now: environment.clock.now())
        view.canResolve =
          view.freshness == .likelyStale
          && viewer.principal.workspaces[run.workspaceID]?.has(.operationsResolve) == true
        return PageResponses.page(
          RunDetailPage.render(view, chrome: viewer.chrome(environment: environment, section: .operations)))
      }
    }
  }

  /// Following a notification (or opening the run any other way) reads it: the viewer's own notification about
  /// this run, if unread. Asked only when the viewer has unread ones (the chrome's cached count), so ordinary
  /// page views write nothing; harmless for a run the viewer may no longer open (it is their notification).
  private func markNotificationRead(_ request: HTTPRequest, viewer: Viewer) throws {
    guard let id = request.pathParameter("id", as: Int64.self) else { return }
    let userID = viewer.user.id
    let unread = try environment.viewers.unreadCount(userID: userID) {
      try environment.database.unreadNotificationCount(forUser: userID, upTo: PageChrome.unreadCountLimit)
    }
    guard unread > 0,
      try environment.database.markNotificationsRead(userID: userID, runID: id, at: environment.clock.now())
        > 0
    else { return }
    environment.viewers.forgetUnread(userID: userID)
  }

  private func detailView(for run: OperationRun, now: Date) throws -> RunDetailView {
    let database = environment.database
    let policy = environment.policy
    let freshness = run.freshness(policy: policy, now: now)
    let tenantName = try run.tenantID.map { id in try database.tenantNames(ids: [id])[id] ?? "Tenant #\(id)" }
    let initiatorName = try run.initiatorUserID.map { id in
      try database.userNames(ids: [id])[id] ?? "User #\(id)"
    }
    let lateReports = try database.lateReports(runID: run.id).map {
      LateReportItem(
        id: $0.id, receivedAt: $0.receivedAt, kind: $0.kind, reporter: $0.reporter, payload: $0.payload)
    }
    let auditEvents = try database.recentAuditEvents(runID: run.id, limit: Self.auditEventLimit).map(
      AuditEventItem.init(event:))
    return RunDetailView(
      run: run, freshness: freshness, tenantName: tenantName, initiatorName: initiatorName,
      expectedRuntimeSeconds: policy.types[run.type]?.expectedRuntimeSeconds,
      deadline: run.activeDeadline(policy: policy),
      healing: policy.types[run.type]?.scheduledReconciliation == true
        ? .scheduled(intervalSeconds: policy.reconcile.intervalSeconds) : .notScheduled,
      lateReports: lateReports, auditEvents: auditEvents, now: now)
  }
}
