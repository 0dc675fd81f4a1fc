import Foundation
import RunwatchCore

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
  /// Whether its run needs attention (failed, blocked, partly done): styled as an alarm; successes are not.
  public var needsAttention: Bool
  /// The run's workspace, shown when the reader belongs to several; nil otherwise.
  public var workspaceName: String?

  /// Creates a notification item.
  public init(
    id: Int64, title: String, message: String, runID: Int64, createdAt: Date, readAt: Date?,
    needsAttention: Bool = true, workspaceName: String? = nil
  ) {
    self.id = id
    self.title = title
    self.message = message
    self.runID = runID
    self.createdAt = createdAt
    self.readAt = readAt
    self.needsAttention = needsAttention
    self.workspaceName = workspaceName
  }

  /// Whether it is still unread.
  public var isUnread: Bool { readAt == nil }
}

/// Which notifications the page lists (`?show=`).
public enum NotificationsShow: String, Sendable, CaseIterable {
  /// Only unread ones (the default while there are any).
  case unread
  /// Read and unread.
  case all
}

/// Everything the notifications page shows.
public struct NotificationsView: Sendable, Equatable {
  /// One page of the signed-in user's notifications (shown newest first).
  public var items: [NotificationItem]
  /// The clock reading used for relative times.
  public var now: Date
  /// Which notifications are listed.
  public var show: NotificationsShow
  /// How many are unread, in every workspace.
  public var unreadCount: Int
  /// Where the next (older) page starts, or nil on the last page.
  public var olderCursor: Int64?
  /// Whether this is a later page (`before` was given).
  public var isLaterPage: Bool
  /// The current workspace's name ("mark all read" is scoped to it).
  public var workspaceName: String
  /// Which finished runs the reader is notified about.
  public var preference: NotificationPreference
  /// Whether the reader may manage the workspace's webhooks (`webhooks.manage`): the page links them.
  public var canManageWebhooks: Bool

  /// Creates the view.
  public init(
    items: [NotificationItem], now: Date, show: NotificationsShow = .all, unreadCount: Int? = nil,
    olderCursor: Int64? = nil, isLaterPage: Bool = false, workspaceName: String = "this workspace",
    preference: NotificationPreference = .all, canManageWebhooks: Bool = false
  ) {
    self.canManageWebhooks = canManageWebhooks
    self.items = items
    self.now = now
    self.show = show
    self.unreadCount = unreadCount ?? items.filter(\.isUnread).count
    self.olderCursor = olderCursor
    self.isLaterPage = isLaterPage
    self.workspaceName = workspaceName
    self.preference = preference
  }
}

/// `GET /notifications`: the reader's notifications, newest first, unread ones by default, 100 a page (keyset:
/// `before=<id>`); "mark all read" for the current workspace; the "notify me about" preference. Every form posts
/// with the session's CSRF token and works without JavaScript.
public enum NotificationsPage {
  /// Notifications per page.
  public static let pageSize = 100

  /// Where the mark-read form for notification `id` posts.
  public static func markReadPath(id: Int64) -> String { "/notifications/\(id)/read" }
  /// Where "mark all read" posts.
  public static let markAllReadPath = "/notifications/read-all"
  /// Where the preference form posts.
  public static let preferencePath = "/notifications/preference"

  /// Newest first; ties broken by id so the order is stable.
  public static func ordered(_ items: [NotificationItem]) -> [NotificationItem] {
    items.sorted { lhs, rhs in
      if lhs.createdAt != rhs.createdAt { return lhs.createdAt > rhs.createdAt }
      return lhs.id > rhs.id
    }
  }

  /// The whole document.
  public static func render(_ view: NotificationsView, chrome: PageChrome) -> HTML {
    let csrfToken = chrome.user?.csrfToken
    let emptyWords =
      view.show == .unread
      ? "Nothing unread. You are told here when a run you started finishes."
      : "No notifications. You are told here when a run you started finishes."
    let list: HTML =
      view.items.isEmpty
      ? "<div class=\"empty-state\" role=\"status\"><p>\(emptyWords)</p></div>"
      : """
      <ul class="notifications">\(HTML.each(ordered(view.items), separator: "\n") { item($0, view: view, csrfToken: csrfToken) })</ul>
      """
    let markAll = HTML.unwrap(view.unreadCount > 0 ? csrfToken : nil) { token in
      """
      <form class="inline-form" method="post" action="\(markAllReadPath)">
      <input type="hidden" name="csrf_token" value="\(token)">
      <button type="submit" class="button button--quiet">Mark all read in \(view.workspaceName)</button>
      </form>
      """
    }
    let tab = { (show: NotificationsShow, words: HTML) -> HTML in
      """
      <a href="/notifications?show=\(show.rawValue)"\(HTML.when(view.show == show) { " aria-current=\"page\"" })>\(words)</a>
      """
    }
    let older = HTML.unwrap(view.olderCursor) { cursor in
      """
      <nav class="pagination" aria-label="More notifications">\
      <a rel="next" href="/notifications?show=\(view.show.rawValue)&amp;before=\(cursor)">Older notifications</a></nav>
      """
    }
    let main: HTML = """
      <div class="page-head">
      <h1>Notifications</h1>
      \(markAll)
      </div>
      <nav class="tabs" aria-label="Which notifications">\(tab(.unread, "Unread (\(PageChrome.unreadLabel(view.unreadCount)))")) \
      \(tab(.all, "All"))</nav>
      \(HTML.when(view.isLaterPage) { "<p class=\"muted\">Older notifications. <a href=\"/notifications?show=\(view.show.rawValue)\">Back to the newest</a></p>" })\
      \(list)
      \(older)
      \(HTML.unwrap(csrfToken) { preferenceForm(view.preference, csrfToken: $0) })
      \(HTML.when(view.canManageWebhooks) { "<p class=\"muted\">Send finished runs to Slack or to your own endpoint: <a href=\"\(WebhookSettingsPage.path)\">Webhooks</a>.</p>" })
      """
    return Layout.document(title: "Notifications", chrome: chrome.in(.notifications), main: main)
  }

  private static func preferenceForm(_ preference: NotificationPreference, csrfToken: String) -> HTML {
    let option = { (value: NotificationPreference, words: String) -> HTML in
      """
      <label class="choice"><input type="radio" name="notify_on" value="\(value.rawValue)"\
      \(HTML.attribute("checked", if: preference == value))> \(words)</label>
      """
    }
    return """
      <form class="notification-preference" method="post" action="\(preferencePath)">
      <input type="hidden" name="csrf_token" value="\(csrfToken)">
      <fieldset><legend>Notify me about</legend>
      \(option(.all, "all finished runs I started"))
      \(option(.failures, "failures only (failed, blocked or partly done)"))
      </fieldset>
      <button type="submit" class="button button--quiet">Save</button>
      </form>
      """
  }

  private static func item(_ item: NotificationItem, view: NotificationsView, csrfToken: String?) -> HTML {
    let state = item.isUnread ? "unread" : "read"
    let tone = item.needsAttention ? "attention" : "calm"
    let form = HTML.unwrap(item.isUnread ? csrfToken : nil) { token in
      """
      <form class="inline-form" method="post" action="\(markReadPath(id: item.id))">
      <input type="hidden" name="csrf_token" value="\(token)">
      <button type="submit" class="button button--quiet">Mark read<span class="visually-hidden">: \(item.title)</span></button>
      </form>
      """
    }
    let badge: HTML =
      item.isUnread
      ? (item.needsAttention
        ? "<span class=\"badge badge--unread\"><span class=\"badge__glyph\" aria-hidden=\"true\">●</span> Unread</span> "
        : "<span class=\"badge badge--unread-calm\"><span class=\"badge__glyph\" aria-hidden=\"true\">○</span> Unread</span> ")
      : ""
    return """
      <li class="notification notification--\(state) notification--\(tone)" data-notification-id="\(item.id)" data-run-id="\(item.runID)">
      <p class="notification__title">\(badge)<a href="/operations/\(item.runID)">\(item.title)</a></p>
      <p class="notification__message">\(item.message)</p>
      <p class="notification__meta">\(HTML.unwrap(item.workspaceName) { "\($0) · " })\(TimeElement.relative(item.createdAt, now: view.now))</p>
      \(form)
      </li>
      """
  }
}
