import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /notifications` (the viewer's own, unread first) and `POST /notifications/<id>/read`.
struct NotificationsHandler: Sendable {
  /// Notifications listed (unread first, so nothing unread is pushed off the page by read ones).
  static let limit = 100

  let environment: WebEnvironment

  func list(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      let items = try environment.database.notifications(forUser: viewer.user.id, limit: Self.limit).map {
        NotificationItem(
          id: $0.id, title: $0.title, message: $0.message, runID: $0.runID, createdAt: $0.createdAt,
          readAt: $0.readAt)
      }
      let view = NotificationsView(items: items, now: environment.clock.now())
      return PageResponses.page(
        NotificationsPage.render(
          view, chrome: viewer.chrome(environment: environment, section: .notifications)))
    }
  }

  /// Marks one of the viewer's notifications read. Someone else's (or a missing) notification is a 404, the
  /// same page either way. The session layer has already checked CSRF and origin.
  func markRead(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      guard let id = request.pathParameter("id", as: Int64.self),
        try environment.database.markNotificationRead(
          id: id, userID: viewer.user.id, at: environment.clock.now())
      else { return PageResponses.error(.notFound, viewer: viewer, environment: environment) }
      environment.viewers.forgetUnread(userID: viewer.user.id)
      return .redirect(to: "/notifications")
    }
  }
}
