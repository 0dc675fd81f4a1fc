import StorageEngine

extension SQLiteSchema {
  /// Outbound webhooks per workspace and their durable outbox.
  /// - `webhooks`: the target, its signing secret (kept as is: it must be recoverable to sign; it is shown once
  ///   and never rendered again), the subscribed events as a `WebhookEvents` mask, the body format.
  /// - `webhook_deliveries`: one row per (webhook, run) whose terminal write matched, inserted in the same
  ///   transaction as that write (`LifecycleService.apply`), so a crash or a receiver that is down loses
  ///   nothing. `next_attempt_at` says when it is due; `claimed_by`/`claimed_until` are a deliverer's lease
  ///   (an expired lease makes the row due again: at least once, de-duplicated by the delivery id).
  static let webhooks = Migration(
    "2026_12_06_005_webhooks",
    sql: """
      CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events INTEGER NOT NULL CHECK (events > 0),
        format TEXT NOT NULL CHECK (format IN ('runwatch', 'slack')),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX webhooks_by_workspace ON webhooks(workspace_id, id);

      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        run_id INTEGER NOT NULL REFERENCES operation_runs(id),
        event TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        claimed_by TEXT,
        claimed_until INTEGER,
        last_http_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        UNIQUE (webhook_id, run_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_by_workspace ON webhook_deliveries(workspace_id, id);
      """)
}
