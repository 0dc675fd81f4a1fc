import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /notifications` (the viewer's own: unread ones by default, newest first, keyset-paged), and the posts
/// that change them: `/notifications/<id>/read`, `/notifications/read-all` (the current workspace's) and
/// `/notifications/preference`. The session layer has checked CSRF and origin on every post.
struct NotificationsHandler: Sendable {
  let environment: WebEnvironment

  func list(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      let reader = QueryReader(query: request.query)
      var collector = BadParameterCollector()
      let show = collector.read { () throws(BadParameter) in
        try reader.value("show") { NotificationsShow(rawValue: $0) }
      }
      let before = collector.read { () throws(BadParameter) in try reader.id("before") }
      try BadParameterCollector.finish(
        collector, unknown: reader.unknownNames(known: ["show", "before", "workspace"]))
      let database = environment.database
      let unread = try database.unreadNotificationCount(
        forUser: viewer.user.id, upTo: PageChrome.unreadCountLimit)
      let shown = show ?? (unread > 0 ? .unread : .all)
      let page = try database.notificationPage(
        forUser: viewer.user.id, unreadOnly: shown == .unread, before: before,
        limit: NotificationsPage.pageSize)
      let labelled = viewer.workspaces.count > 1
      let items = page.items.map { listing in
        let notification = listing.notification
        return NotificationItem(
          id: notification.id, title: notification.title, message: notification.message,
          runID: notification.runID, createdAt: notification.createdAt, readAt: notification.readAt,
          needsAttention: listing.outcome.needsAttention,
          workspaceName: labelled ? listing.workspaceName : nil)
      }
      let view = NotificationsView(
        items: items, now: environment.clock.now(), show: shown, unreadCount: unread,
        olderCursor: page.olderCursor, isLaterPage: before != nil, workspaceName: viewer.workspace.name,
        preference: try database.notificationPreference(userID: viewer.user.id),
        canManageWebhooks: viewer.principal.workspaces[viewer.workspace.id]?.has(.webhooksManage) == true)
      return PageResponses.page(
        NotificationsPage.render(
          view, chrome: viewer.chrome(environment: environment, section: .notifications)))
    }
  }

  /// Marks every unread notification about runs of the viewer's current workspace read.
  func markAllRead(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try environment.database.markAllNotificationsRead(
        userID: viewer.user.id, workspaceID: viewer.workspace.id, at: environment.clock.now())
      environment.viewers.forgetUnread(userID: viewer.user.id)
      return .redirect(to: "/notifications")
    }
  }

  /// Saves "notify me about": `notify_on` is `all` or `failures` (anything else is the 400 page).
  func setPreference(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      let values = Set(request.formParameters.all("notify_on"))
      guard values.count == 1, let preference = values.first.flatMap(NotificationPreference.init(rawValue:))
      else { return PageResponses.badParameter("notify_on", viewer: viewer, environment: environment) }
      try environment.database.setNotificationPreference(userID: viewer.user.id, preference)
      return .redirect(to: "/notifications?show=all")
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
