import Foundation
import RunwatchCore
import StorageEngine

/// Filters on the audit log (optional, combinable). Values are already allow-listed by the caller.
public struct AuditFilter: Sendable, Equatable {
  /// Exact action code.
  public var action: String?
  /// Events about this run only.
  public var runID: Int64?

  /// Creates a filter.
  public init(action: String? = nil, runID: Int64? = nil) {
    self.action = action
    self.runID = runID
  }
}

/// One keyset page of audit events, newest first.
public struct AuditEventPage: Sendable, Equatable {
  /// Events on this page, newest first.
  public var events: [AuditEvent]
  /// Cursor for the next (older) page: pass as `before`. Nil on the last page.
  public var olderCursor: Int64?
  /// Cursor for the previous (newer) page: pass as `after`. Nil on the first page.
  public var newerCursor: Int64?
}

extension RunScope {
  /// Restricts audit events to those a principal with this scope may see: events of the workspace that are
  /// about no run, or about a run inside the scope. Unqualified column names inside the EXISTS resolve to
  /// `operation_runs` (the innermost table), so the run scope's own fragments apply unchanged.
  func applyToAuditEvents(_ condition: inout SQLCondition) {
    condition.add("workspace_id = ?", [workspaceID])
    guard tenantIDs != nil || !includesWorkspaceLevelRuns || !hiddenTypes.isEmpty else {
      // Every run of the workspace is visible: no per-event lookup needed.
      return
    }
    var runCondition = SQLCondition()
    apply(to: &runCondition)
    runCondition.add("operation_runs.id = audit_events.run_id")
    condition.add(
      "(run_id IS NULL OR EXISTS (SELECT 1 FROM operation_runs \(runCondition.whereClause)))",
      runCondition.arguments)
  }
}

extension RunwatchDatabase {
  /// A keyset page of the audit events visible in `scope` matching `filter`, newest first. `before` (an event
  /// id) gives older events, `after` newer ones; never OFFSET.
  public func listAuditEvents(
    scope: RunScope, filter: AuditFilter, before: Int64? = nil, after: Int64? = nil, limit: Int
  ) throws -> AuditEventPage {
    let limit = max(1, min(limit, 500))
    var base = SQLCondition()
    scope.applyToAuditEvents(&base)
    if let action = filter.action { base.add("action = ?", [action]) }
    if let runID = filter.runID { base.add("run_id = ?", [runID]) }
    let goingNewer = after != nil && before == nil
    var condition = base
    if let before { condition.add("id < ?", [before]) }
    if goingNewer, let after { condition.add("id > ?", [after]) }
    let sql = """
      SELECT * FROM audit_events \(condition.whereClause)
      ORDER BY id \(goingNewer ? "ASC" : "DESC") LIMIT ?
      """
    return try pool.read { connection in
      var events = try connection.query(sql, condition.arguments + [limit + 1]).map(AuditLog.decode)
      let hasMore = events.count > limit
      if hasMore { events.removeLast() }
      if goingNewer { events.reverse() }
      guard let newest = events.first, let oldest = events.last else {
        return AuditEventPage(events: [], olderCursor: nil, newerCursor: nil)
      }
      let olderExists = goingNewer ? true : hasMore
      var newerExists = goingNewer ? hasMore : false
      if before != nil {
        var newer = base
        newer.add("id > ?", [newest.id])
        newerExists =
          try connection.queryOne("SELECT 1 FROM audit_events \(newer.whereClause) LIMIT 1", newer.arguments)
          != nil
      }
      return AuditEventPage(
        events: events, olderCursor: olderExists ? oldest.id : nil, newerCursor: newerExists ? newest.id : nil
      )
    }
  }

  /// The audit event `id` when it is visible in `scope`; nil when missing or not visible (the caller cannot
  /// tell which, by design).
  public func auditEvent(id: Int64, scope: RunScope) throws -> AuditEvent? {
    var condition = SQLCondition()
    condition.add("id = ?", [id])
    scope.applyToAuditEvents(&condition)
    return try pool.read { connection in
      try connection.queryOne("SELECT * FROM audit_events \(condition.whereClause)", condition.arguments)
        .map(AuditLog.decode)
    }
  }

  /// The newest `limit` audit events about one run, newest first (the run page's related events).
  public func recentAuditEvents(runID: Int64, limit: Int = 20) throws -> [AuditEvent] {
    try pool.read { connection in
      try connection.query(
        "SELECT * FROM audit_events WHERE run_id = ? ORDER BY id DESC LIMIT ?",
        [runID, max(1, min(limit, 500))]
      ).map(AuditLog.decode)
    }
  }
}
