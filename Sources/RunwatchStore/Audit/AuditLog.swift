import Foundation
import RunwatchCore
import StorageEngine

/// Stable audit actions.
public enum AuditAction: String, Sendable, CaseIterable {
  /// A run was created.
  case runCreated = "run.created"
  /// A worker started a run (metadata `worker`: who it said it was, or null).
  case runStarted = "run.started"
  /// A worker completed a run.
  case runCompleted = "run.completed"
  /// The reconciler completed a stale or out-of-sync run.
  case runReconciled = "run.reconciled"
  /// A queue failure was bridged into its run.
  case runQueueFailureBridged = "run.queue_failure_bridged"
  /// A report arrived for a run that had already reached terminal truth.
  case lateReportRefused = "run.late_report_refused"
  /// An operator marked a likely-stale run failed by hand (`run.resolved_by_operator`).
  case runResolved = "run.resolved"
  /// A worker was told not to start a run that is no longer legitimate.
  case startRefused = "run.start_refused"
}

/// One audit event as stored.
public struct AuditEvent: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// Workspace it belongs to.
  public var workspaceID: Int64
  /// The run it is about, if any.
  public var runID: Int64?
  /// Actor kind (`system`, `user`, `token`, `worker`).
  public var actorKind: String
  /// Actor label.
  public var actorLabel: String
  /// Source (`scheduled_reconciler`, `cli`, `api`…).
  public var source: String
  /// Action code.
  public var action: String
  /// When it happened.
  public var createdAt: Date
  /// Before/after and reason details.
  public var metadata: JSONValue
}

enum AuditLog {
  static func record(
    _ action: AuditAction, run: OperationRun, actor: Actor, at time: Date, metadata: JSONValue,
    in connection: any DatabaseConnection
  ) throws {
    try record(action, run: run, actor: actor, at: time, metadataText: metadata.jsonText, in: connection)
  }

  /// Records an event whose metadata is already JSON text.
  static func record(
    _ action: AuditAction, run: OperationRun, actor: Actor, at time: Date, metadataText: String,
    in connection: any DatabaseConnection
  ) throws {
    try connection.execute(
      """
      INSERT INTO audit_events (workspace_id, run_id, actor_kind, actor_label, source, action, created_at, metadata)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        run.workspaceID, run.id, actor.kind.rawValue, actor.label, actor.source, action.rawValue, time,
        metadataText,
      ])
  }

  static func decode(_ row: Row) throws -> AuditEvent {
    guard let id = row.int64("id"), let workspaceID = row.int64("workspace_id"),
      let createdAt = row.date("created_at")
    else { throw StoreError.corruptRow(table: "audit_events") }
    return AuditEvent(
      id: id, workspaceID: workspaceID, runID: row.int64("run_id"), actorKind: row.string("actor_kind") ?? "",
      actorLabel: row.string("actor_label") ?? "", source: row.string("source") ?? "",
      action: row.string("action") ?? "", createdAt: createdAt,
      metadata: row.string("metadata").flatMap(JSONValue.init(jsonText:)) ?? .emptyObject)
  }
}
