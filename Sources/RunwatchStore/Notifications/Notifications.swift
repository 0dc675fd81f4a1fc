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
      runID: run.id, userID: userID, title: title, message: message, url: run.canonicalPath, at: time,
      in: connection)
  }

  /// The words of `run`'s terminal notification, or nil when it gets none (not terminal, or a system run).
  static func terminalWording(for run: OperationRun) -> (title: String, message: String)? {
    guard run.status.isTerminal, run.initiatorUserID != nil else { return nil }
    return wording(for: run)
  }

  /// Inserts a terminal notification already worded.
  static func insertTerminal(
    runID: Int64, userID: Int64, title: String, message: String, url: String, at time: Date,
    in connection: any DatabaseConnection
  ) throws {
    try connection.execute(
      """
      INSERT INTO notifications (user_id, run_id, title, message, url, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(run_id) DO NOTHING
      """, [userID, runID, title, message, url, time])
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

  /// Number of unread notifications for a user.
  public func unreadNotificationCount(forUser userID: Int64) throws -> Int {
    try pool.read { connection in
      Int(
        try connection.scalar(
          "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", [userID]) ?? 0)
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
