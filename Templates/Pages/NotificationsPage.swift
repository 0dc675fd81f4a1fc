import Foundation

/// One notification as listed for its recipient.
public struct NotificationItem: Sendable, Equatable {
  /// Notification id (used in the mark-read form's action).
  public var id: Int64
  /// Short title.
  public var title: String
  /// One-sentence message.
  public var message: String
  /// The run it is about; the item links to `/operations/<runID>`.
  public var runID: Int64
  /// When it was sent.
  public var createdAt: Date
  /// When it was marked read; `nil` while unread.
  public var readAt: Date?

  /// Creates a notification item.
  public init(id: Int64, title: String, message: String, runID: Int64, createdAt: Date, readAt: Date?) {
    self.id = id
    self.title = title
    self.message = message
    self.runID = runID
    self.createdAt = createdAt
    self.readAt = readAt
  }

  /// Whether it is still unread.
  public var isUnread: Bool { readAt == nil }
}

/// Everything the notifications page shows.
public struct NotificationsView: Sendable, Equatable {
  /// The signed-in user's notifications (any order: the page puts unread first, then newest first).
  public var items: [NotificationItem]
  /// The clock reading used for relative times.
  public var now: Date

  /// Creates the view.
  public init(items: [NotificationItem], now: Date) {
    self.items = items
    self.now = now
  }
}

/// `GET /notifications`. Mark-read forms post to `/notifications/<id>/read` with the session's CSRF token.
public enum NotificationsPage {
  /// Where the mark-read form for notification `id` posts.
  public static func markReadPath(id: Int64) -> String { "/notifications/\(id)/read" }

  /// Unread first, then newest first; ties broken by id so the order is stable.
  public static func ordered(_ items: [NotificationItem]) -> [NotificationItem] {
    items.sorted { lhs, rhs in
      if lhs.isUnread != rhs.isUnread { return lhs.isUnread }
      if lhs.createdAt != rhs.createdAt { return lhs.createdAt > rhs.createdAt }
      return lhs.id > rhs.id
    }
  }

  /// The whole document.
  public static func render(_ view: NotificationsView, chrome: PageChrome) -> HTML {
    let csrfToken = chrome.user?.csrfToken
    let list: HTML =
      view.items.isEmpty
      ? "<div class=\"empty-state\" role=\"status\"><p>No notifications. You are told here when a run you started finishes.</p></div>"
      : """
      <ul class="notifications">\(HTML.each(ordered(view.items), separator: "\n") { item($0, view: view, csrfToken: csrfToken) })</ul>
      """
    let main: HTML = """
      <div class="page-head">
      <h1>Notifications</h1>
      <div data-auto-refresh></div>
      </div>
      \(list)
      """
    return Layout.document(title: "Notifications", chrome: chrome.in(.notifications), main: main)
  }

  private static func item(_ item: NotificationItem, view: NotificationsView, csrfToken: String?) -> HTML {
    let state = item.isUnread ? "unread" : "read"
    let form = HTML.unwrap(item.isUnread ? csrfToken : nil) { token in
      """
      <form class="inline-form" method="post" action="\(markReadPath(id: item.id))">
      <input type="hidden" name="csrf_token" value="\(token)">
      <button type="submit" class="button button--quiet">Mark read<span class="visually-hidden">: \(item.title)</span></button>
      </form>
      """
    }
    return """
      <li class="notification notification--\(state)" data-notification-id="\(item.id)" data-run-id="\(item.runID)">
      <p class="notification__title">\(HTML.when(item.isUnread) { "<span class=\"badge badge--unread\"><span class=\"badge__glyph\" aria-hidden=\"true\">●</span> Unread</span> " })\
      <a href="/operations/\(item.runID)">\(item.title)</a></p>
      <p class="notification__message">\(item.message)</p>
      <p class="notification__meta">\(TimeElement.relative(item.createdAt, now: view.now))</p>
      \(form)
      </li>
      """
  }
}
