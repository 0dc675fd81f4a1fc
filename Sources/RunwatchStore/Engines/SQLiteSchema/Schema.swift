import StorageEngine

/// Runwatch's named, append-only migrations. Never edit or reorder one that has shipped; add a new one.
enum SQLiteSchema {
  /// Every migration, in order.
  static let migrations: [Migration] = [
    initial, identity, pageIndexes, rollups, dropReconciledByTime, oneTerminalEventPerRun, readOnlyTokens,
    runWorker, notificationPaging, webhooks, runDurations, runFinders, runSearch,
  ]

  /// Timestamps are INTEGER Unix epoch milliseconds throughout.
  static let initial = Migration(
    "2026_11_22_001_initial",
    sql: """
      CREATE TABLE workspaces (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE tenants (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
        created_at INTEGER NOT NULL,
        archived_at INTEGER
      );
      CREATE INDEX tenants_by_workspace ON tenants(workspace_id, id);

      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        password_hash TEXT,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE memberships (
        user_id INTEGER NOT NULL REFERENCES users(id),
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'operator', 'readonly')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, workspace_id)
      ) WITHOUT ROWID;
      CREATE INDEX memberships_by_workspace ON memberships(workspace_id, user_id);

      CREATE TABLE tenant_entitlements (
        user_id INTEGER NOT NULL REFERENCES users(id),
        tenant_id INTEGER NOT NULL REFERENCES tenants(id),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, tenant_id)
      ) WITHOUT ROWID;

      CREATE TABLE operation_runs (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        tenant_id INTEGER REFERENCES tenants(id),
        initiator_user_id INTEGER REFERENCES users(id),
        type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed')),
        outcome TEXT NOT NULL CHECK (outcome IN
          ('pending', 'succeeded', 'partially_succeeded', 'blocked', 'failed', 'cancelled')),
        summary_counts TEXT NOT NULL DEFAULT '{}',
        failure_summary TEXT NOT NULL DEFAULT '[]',
        context TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        last_heartbeat_at INTEGER,
        completed_at INTEGER,
        -- Policy-derived deadline after which an active run counts as likely stale. NULL when terminal or
        -- when the type has no policy. Recomputed for active runs whenever the policy fingerprint changes.
        stale_at INTEGER,
        reconciliation_reason TEXT,
        reconciliation_source TEXT,
        reconciliation_evidence TEXT,
        reconciled_at INTEGER,
        linked_record_kind TEXT,
        linked_record_id TEXT,
        linked_record_status TEXT,
        CHECK ((status = 'completed') = (outcome <> 'pending')),
        CHECK (status = 'completed' OR reconciliation_reason IS NULL)
      );
      -- Index pages and API lists: newest first within a workspace (keyset on id).
      CREATE INDEX runs_by_workspace ON operation_runs(workspace_id, id);
      CREATE INDEX runs_by_workspace_tenant ON operation_runs(workspace_id, tenant_id, id);
      CREATE INDEX runs_by_workspace_type ON operation_runs(workspace_id, type, id);
      CREATE INDEX runs_by_workspace_status ON operation_runs(workspace_id, status, id);
      -- Active runs only (small): freshness filters fresh_active / likely_stale / unknown and the reconciler's
      -- "what is stale now" query answer from these without touching terminal rows.
      CREATE INDEX runs_active_by_stale_at ON operation_runs(stale_at)
        WHERE status IN ('queued', 'running');
      CREATE INDEX runs_active_by_workspace ON operation_runs(workspace_id, id)
        WHERE status IN ('queued', 'running');
      CREATE INDEX runs_reconciled_by_workspace ON operation_runs(workspace_id, id)
        WHERE reconciliation_reason IS NOT NULL;
      CREATE INDEX runs_reconciled_by_time ON operation_runs(reconciled_at)
        WHERE reconciliation_reason IS NOT NULL;
      CREATE INDEX runs_linked_active ON operation_runs(linked_record_kind, linked_record_id)
        WHERE linked_record_kind IS NOT NULL AND status IN ('queued', 'running');

      -- Reports that arrived after the run reached terminal truth: evidence, never overwrites.
      CREATE TABLE late_reports (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES operation_runs(id),
        received_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        reporter TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX late_reports_by_run ON late_reports(run_id, id);

      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        run_id INTEGER REFERENCES operation_runs(id),
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('system', 'user', 'token', 'worker')),
        actor_label TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_by_workspace ON audit_events(workspace_id, id);
      CREATE INDEX audit_by_workspace_action ON audit_events(workspace_id, action, id);
      CREATE INDEX audit_by_run ON audit_events(run_id, id);

      -- Exactly one terminal notification per run, enforced here and not only in code.
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        run_id INTEGER NOT NULL UNIQUE REFERENCES operation_runs(id),
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        url TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        read_at INTEGER
      );
      CREATE INDEX notifications_by_user ON notifications(user_id, read_at, id);

      CREATE TABLE runwatch_meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      """)
}
