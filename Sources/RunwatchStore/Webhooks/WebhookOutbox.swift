import Foundation
import RunwatchCore
import StorageEngine

/// The durable outbox: a terminal write queues one delivery per matching webhook of its run's workspace in its
/// own transaction, so the delivery commits with the write or not at all. The delivery holds only what to
/// send (webhook, run, event); the body is rendered when it is sent, from the run, whose terminal truth never
/// changes again. With no webhooks in the workspace the cost is one probe of `webhooks_by_workspace`.
enum WebhookOutbox {
  /// The delivery's name among the events `raised` by the write and those `subscribed` by the webhook (`?1`
  /// is the raised mask, `events` the webhook's column): the most specific one they share.
  private static let eventName = """
    CASE WHEN (w.events & ?1 & \(WebhookEvent.resolvedByOperator.bit)) <> 0 THEN '\(WebhookEvent.resolvedByOperator.rawValue)'
      WHEN (w.events & ?1 & \(WebhookEvent.reconciled.bit)) <> 0 THEN '\(WebhookEvent.reconciled.rawValue)'
      WHEN (w.events & ?1 & \(WebhookEvent.failed.bit)) <> 0 THEN '\(WebhookEvent.failed.rawValue)'
      ELSE '\(WebhookEvent.terminal.rawValue)' END
    """

  /// Queues the deliveries of `run`'s terminal write (the run as stored after it) made at `time`.
  static func enqueue(for run: OperationRun, at time: Date, in connection: any DatabaseConnection) throws {
    let raised = WebhookEvents.raised(by: run)
    guard !raised.isEmpty else { return }
    try connection.execute(
      """
      INSERT INTO webhook_deliveries (webhook_id, workspace_id, run_id, event, next_attempt_at, created_at)
      SELECT w.id, w.workspace_id, ?2, \(eventName), ?3, ?3
      FROM webhooks AS w WHERE w.workspace_id = ?4 AND (w.events & ?1) <> 0
      ON CONFLICT (webhook_id, run_id) DO NOTHING
      """, [raised.rawValue, run.id, time, run.workspaceID])
  }

  /// Queues the deliveries of many terminal writes (`LifecycleService.applyAll`) in one statement: the runs
  /// as a `VALUES` list joined to their workspaces' webhooks.
  static func enqueueAll(_ runs: [(run: OperationRun, at: Date)], in connection: any DatabaseConnection)
    throws
  {
    let rows = runs.compactMap { entry -> [any SQLBindable]? in
      let raised = WebhookEvents.raised(by: entry.run)
      guard !raised.isEmpty else { return nil }
      return [entry.run.id, entry.run.workspaceID, raised.rawValue, entry.at]
    }
    // Each statement takes at most 500 runs (2,000 parameters), under both engines' limits; the reconciler's
    // batches are at most 500 runs, so this is one statement per batch.
    for chunk in stride(from: 0, to: rows.count, by: 500).map({ rows[$0..<min($0 + 500, rows.count)] }) {
      // Parameters carry their types on PostgreSQL, so the VALUES columns need no casts.
      let row = "(?, ?, ?, ?)"
      try connection.execute(
        """
        WITH v (run_id, workspace_id, raised, at) AS (VALUES \(Array(repeating: row, count: chunk.count).joined(separator: ", ")))
        INSERT INTO webhook_deliveries (webhook_id, workspace_id, run_id, event, next_attempt_at, created_at)
        SELECT w.id, w.workspace_id, v.run_id, \(batchEventName), v.at, v.at
        FROM v JOIN webhooks AS w ON w.workspace_id = v.workspace_id AND (w.events & v.raised) <> 0
        WHERE true
        ON CONFLICT (webhook_id, run_id) DO NOTHING
        """, chunk.flatMap { $0 })
    }
  }

  /// `eventName` with the raised mask read from the batch's `v.raised` column.
  private static let batchEventName = eventName.replacingOccurrences(of: "?1", with: "v.raised")

}
