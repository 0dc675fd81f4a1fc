import Foundation
import RunwatchCore
import SecretKit
import StorageEngine

extension RunwatchDatabase {
  /// Adds a webhook to `workspaceID`. `url` must already be validated (`WebhookURL.validate`); `secret` nil
  /// generates one. Returns the webhook with its secret, to show once.
  public func addWebhook(
    workspaceID: Int64, url: String, secret: String?, events: WebhookEvents, format: WebhookFormat,
    at time: Date
  ) throws -> AddedWebhook {
    guard !events.isEmpty else { throw StoreError.invalid("choose at least one event") }
    let secret = try secret ?? WebhookSignature.newSecret()
    let id = try pool.write { connection in
      try connection.insert(
        "INSERT INTO webhooks (workspace_id, url, secret, events, format, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [workspaceID, url, secret, events.rawValue, format.rawValue, time])
    }
    let webhook = Webhook(
      id: id, workspaceID: workspaceID, url: url, events: events, format: format, createdAt: time)
    return AddedWebhook(webhook: webhook, secret: secret)
  }

  /// The webhooks of `workspaceID`, oldest first.
  public func webhooks(workspaceID: Int64) throws -> [Webhook] {
    try pool.read { connection in
      try connection.query(
        "SELECT id, workspace_id, url, events, format, created_at FROM webhooks WHERE workspace_id = ? ORDER BY id",
        [workspaceID]
      ).map(Self.webhook(row:))
    }
  }

  /// Removes webhook `id` of `workspaceID` and its deliveries (pending ones are not sent). Returns false when
  /// there is no such webhook in that workspace.
  @discardableResult
  public func removeWebhook(id: Int64, workspaceID: Int64) throws -> Bool {
    try pool.writeTransaction { connection in
      guard
        try connection.queryOne(
          "SELECT id FROM webhooks WHERE id = ? AND workspace_id = ?\(connection.engineSQL.lockingRead)",
          [id, workspaceID]) != nil
      else { return false }
      try connection.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ?", [id])
      try connection.execute("DELETE FROM webhooks WHERE id = ?", [id])
      return true
    }
  }

  /// A page of `workspaceID`'s deliveries, newest first, older than `before` when given: keyset paging on
  /// `webhook_deliveries_by_workspace`.
  public func webhookDeliveries(workspaceID: Int64, before: Int64? = nil, limit: Int = 50) throws
    -> WebhookDeliveryPage
  {
    var arguments: [any SQLBindable] = [workspaceID]
    var older = ""
    if let before {
      older = " AND d.id < ?"
      arguments.append(before)
    }
    arguments.append(limit + 1)
    let rows = try pool.read { connection in
      try connection.query(
        """
        SELECT d.*, w.url AS webhook_url FROM webhook_deliveries AS d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.workspace_id = ?\(older) ORDER BY d.id DESC LIMIT ?
        """, arguments)
    }
    let items = try rows.prefix(limit).map(Self.delivery(row:))
    return WebhookDeliveryPage(items: items, olderCursor: rows.count > limit ? items.last?.id : nil)
  }

  static func webhook(row: Row) throws -> Webhook {
    guard let id = row.int64("id"), let workspaceID = row.int64("workspace_id"), let url = row.string("url"),
      let events = row.int64("events"), let format = row.string("format").flatMap(WebhookFormat.init),
      let createdAt = row.date("created_at")
    else { throw StoreError.corruptRow(table: "webhooks") }
    return Webhook(
      id: id, workspaceID: workspaceID, url: url, events: WebhookEvents(rawValue: events), format: format,
      createdAt: createdAt)
  }

  static func delivery(row: Row) throws -> WebhookDelivery {
    guard let id = row.int64("id"), let webhookID = row.int64("webhook_id"), let runID = row.int64("run_id"),
      let event = row.string("event"),
      let status = row.string("status").flatMap(WebhookDeliveryStatus.init(rawValue:)),
      let createdAt = row.date("created_at"), let nextAttemptAt = row.date("next_attempt_at")
    else { throw StoreError.corruptRow(table: "webhook_deliveries") }
    return WebhookDelivery(
      id: id, webhookID: webhookID, url: row.string("webhook_url") ?? "", runID: runID, event: event,
      status: status, attempts: Int(row.int64("attempts") ?? 0),
      lastHTTPStatus: row.int64("last_http_status").map { Int($0) }, lastError: row.string("last_error"),
      createdAt: createdAt, nextAttemptAt: nextAttemptAt, finishedAt: row.date("finished_at"))
  }
}
