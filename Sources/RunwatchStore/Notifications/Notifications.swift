import Foundation
import RunwatchCore
import StorageEngine

/// A notification as stored.
public struct RunNotification: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// Recipient.
  public var userID: Int64
  /// The run it is about.
  public var runID: Int64
  /// Short title.
  public var title: String
  /// Operator-safe message.
  public var message: String
  /// Canonical URL of the run (`/operations/<id>`).
  public var url: String
  /// When it was created.
  public var createdAt: Date
  /// When the user marked it read.
  public var readAt: Date?
}

/// Terminal notifications: exactly one per run, to its initiator, never while active, never for system runs.
public enum Notifications {
  /// Records the terminal notification for `run` if it has an initiator. The UNIQUE(run_id) constraint makes a
  /// second terminal notification for the same run impossible, whatever the caller does.
  static func recordTerminal(_ run: OperationRun, at time: Date, in connection: any DatabaseConnection) throws
  {
    guard let userID = run.initiatorUserID, let (title, message) = terminalWording(for: run) else { return }
    try insertTerminal(
      runID: run.id, userID: userID, title: title, message: message, url: run.canonicalPath,
      needsAttention: run.outcome.needsAttention, at: time, in: connection)
  }

  /// The words of `run`'s terminal notification, or nil when it gets none (not terminal, or a system run).
  static func terminalWording(for run: OperationRun) -> (title: String, message: String)? {
    guard run.status.isTerminal, run.initiatorUserID != nil else { return nil }
    return wording(for: run)
  }

  /// Inserts a terminal notification already worded, unless its recipient asked for failures only and the run
  /// does not need attention. (A recipient whose user row is gone still breaks the foreign key: the write fails
  /// as it always did, rather than dropping the notification silently.)
  static func insertTerminal(
    runID: Int64, userID: Int64, title: String, message: String, url: String, needsAttention: Bool,
    at time: Date, in connection: any DatabaseConnection
  ) throws {
    try connection.execute(
      """
      INSERT INTO notifications (user_id, run_id, title, message, url, created_at)
      SELECT ?, ?, ?, ?, ?, ?
      WHERE ? = 1 OR NOT EXISTS (SELECT 1 FROM users WHERE id = ? AND notify_on = 'failures')
      ON CONFLICT(run_id) DO NOTHING
      """, [userID, runID, title, message, url, time, needsAttention ? 1 : 0, userID])
  }

  /// Title and message in operator language.
  static func wording(for run: OperationRun) -> (title: String, message: String) {
    let name = "\(OperationTypeLabel.label(for: run.type)) #\(run.id)"
    if let reconciliation = run.reconciliation {
      let reason = ReasonCatalog.describe(reconciliation)
      let verb = run.outcome == .failed ? "failed" : "was completed"
      return ("\(name) \(verb): \(reason.label.lowercased())", reason.explanation)
    }
    switch run.outcome {
    case .succeeded: return ("\(name) succeeded", "The run finished successfully.")
    case .partiallySucceeded:
      return ("\(name) partially succeeded", "The run finished, but some items failed. Open it to see which.")
    case .blocked:
      return ("\(name) was blocked", "The run could not proceed. Open it to see what blocked it.")
    case .cancelled: return ("\(name) was cancelled", "The run was cancelled before it finished.")
    case .failed:
      let count = run.failures.count
      let detail = count == 0 ? "The worker reported a failure." : "The worker reported \(count) failure(s)."
      return ("\(name) failed", detail)
    case .pending: return (name, "")
    }
  }

  static func decode(_ row: Row) throws -> RunNotification {
    guard let id = row.int64("id"), let userID = row.int64("user_id"), let runID = row.int64("run_id"),
      let createdAt = row.date("created_at")
    else { throw StoreError.corruptRow(table: "notifications") }
    return RunNotification(
      id: id, userID: userID, runID: runID, title: row.string("title") ?? "",
      message: row.string("message") ?? "",
      url: row.string("url") ?? "", createdAt: createdAt, readAt: row.date("read_at"))
  }
}

extension RunwatchDatabase {
  /// A user's notifications, unread first, newest first within each group.
  public func notifications(forUser userID: Int64, limit: Int = 100) throws -> [RunNotification] {
    try pool.read { connection in
      try connection.query(
        """
        SELECT * FROM notifications WHERE user_id = ?
        ORDER BY read_at IS NOT NULL, id DESC LIMIT ?
        """, [userID, limit]
      ).map(Notifications.decode)
    }
  }

  /// Number of unread notifications for a user, counted up to `limit` (pages show "99+" beyond it): at most
  /// `limit` entries of `notifications_by_user` are read, so every page's chrome costs the same whether the
  /// user has 3 unread or the 100,000 an incident leaves behind. The index is pinned: with
  /// `notifications_by_user_id` beside it, SQLite's planner would walk every notification of the user.
  public func unreadNotificationCount(forUser userID: Int64, upTo limit: Int) throws -> Int {
    try pool.read { connection in
      Int(
        try connection.scalar(
          """
          SELECT COUNT(*) FROM (SELECT 1 FROM notifications \(connection.engineSQL.indexHint("notifications_by_user"))
          WHERE user_id = ? AND read_at IS NULL LIMIT ?) AS unread
          """, [userID, max(0, limit)]) ?? 0)
    }
  }

  /// Marks one of the user's notifications read; returns false when it is not theirs or does not exist.
  @discardableResult
  public func markNotificationRead(id: Int64, userID: Int64, at time: Date) throws -> Bool {
    try pool.write { connection in
      return try connection.execute(
        "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?",
        [time, id, userID]) == 1
    }
  }
}

/// A notification as its page lists it: with the run's outcome (failures are styled as alarms, successes are
/// not) and its workspace (shown to people who belong to several).
public struct NotificationListing: Sendable, Equatable {
  /// The notification.
  public var notification: RunNotification
  /// The run's outcome now.
  public var outcome: RunOutcome
  /// The run's workspace.
  public var workspaceID: Int64
  /// That workspace's name.
  public var workspaceName: String
}

/// One page of a user's notifications, newest first, and where the next (older) one starts.
public struct NotificationPage: Sendable, Equatable {
  /// The notifications on this page.
  public var items: [NotificationListing]
  /// Pass as `before` for the next page; nil on the last.
  public var olderCursor: Int64?
}

extension RunwatchDatabase {
  /// A page of `userID`'s notifications (only unread ones when `unreadOnly`), newest first, older than
  /// `before` when given: keyset paging on the user's id-ordered indexes, so page 50 costs what page 1 does.
  public func notificationPage(forUser userID: Int64, unreadOnly: Bool, before: Int64?, limit: Int) throws
    -> NotificationPage
  {
    var conditions = ["n.user_id = ?"]
    var arguments: [any SQLBindable] = [userID]
    if unreadOnly { conditions.append("n.read_at IS NULL") }
    if let before {
      conditions.append("n.id < ?")
      arguments.append(before)
    }
    arguments.append(limit + 1)
    // Unread ones are a range of (user, read_at, id); all of them one of (user, id).
    let index = unreadOnly ? "notifications_by_user" : "notifications_by_user_id"
    let rows = try pool.read { connection in
      try connection.query(
        """
        SELECT n.*, r.outcome AS run_outcome, r.workspace_id AS run_workspace_id, w.name AS workspace_name
        FROM notifications AS n \(connection.engineSQL.indexHint(index))
        JOIN operation_runs r ON r.id = n.run_id JOIN workspaces w ON w.id = r.workspace_id
        WHERE \(conditions.joined(separator: " AND "))
        ORDER BY n.id DESC LIMIT ?
        """, arguments)
    }
    let items = try rows.prefix(limit).map { row in
      NotificationListing(
        notification: try Notifications.decode(row),
        outcome: row.string("run_outcome").flatMap(RunOutcome.init(rawValue:)) ?? .pending,
        workspaceID: row.int64("run_workspace_id") ?? 0, workspaceName: row.string("workspace_name") ?? "")
    }
    return NotificationPage(
      items: Array(items), olderCursor: rows.count > limit ? items.last?.notification.id : nil)
  }

  /// Marks every unread notification of `userID` about runs of `workspaceID` read; returns how many.
  @discardableResult
  public func markAllNotificationsRead(userID: Int64, workspaceID: Int64, at time: Date) throws -> Int {
    try pool.write { connection in
      try connection.execute(
        """
        UPDATE notifications SET read_at = ?
        WHERE user_id = ? AND read_at IS NULL
          AND run_id IN (SELECT id FROM operation_runs WHERE workspace_id = ?)
        """, [time, userID, workspaceID])
    }
  }

  /// Marks `userID`'s notification about `runID` read (they opened the run); returns how many changed (0 or 1).
  @discardableResult
  public func markNotificationsRead(userID: Int64, runID: Int64, at time: Date) throws -> Int {
    try pool.write { connection in
      try connection.execute(
        "UPDATE notifications SET read_at = ? WHERE user_id = ? AND run_id = ? AND read_at IS NULL",
        [time, userID, runID])
    }
  }

  /// Which finished runs `userID` is notified about.
  public func notificationPreference(userID: Int64) throws -> NotificationPreference {
    try pool.read { connection in
      try connection.queryOne("SELECT notify_on FROM users WHERE id = ?", [userID])?.string("notify_on")
        .flatMap(NotificationPreference.init(rawValue:)) ?? .all
    }
  }

  /// Sets which finished runs `userID` is notified about (from now on; existing notifications stay).
  public func setNotificationPreference(userID: Int64, _ preference: NotificationPreference) throws {
    try pool.write { connection in
      _ = try connection.execute(
        "UPDATE users SET notify_on = ? WHERE id = ?", [preference.rawValue, userID])
    }
  }
}
