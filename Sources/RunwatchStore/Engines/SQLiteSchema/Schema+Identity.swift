import StorageEngine

extension SQLiteSchema {
  /// Sign-in sessions, worker API tokens and the sign-in attempt log. Session ids and tokens are stored only as
  /// SHA-256 hex digests, so a copy of the database holds nothing that can be presented as a credential.
  static let identity = Migration(
    "2026_11_23_001_identity",
    sql: """
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        current_workspace_id INTEGER REFERENCES workspaces(id),
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        absolute_expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_user ON sessions(user_id);
      CREATE INDEX sessions_by_absolute_expiry ON sessions(absolute_expires_at);

      CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX api_tokens_by_workspace ON api_tokens(workspace_id, id);

      -- Every sign-in attempt, kept for the throttling window only. `account` is the e-mail as typed
      -- (lower-cased) whether or not such a user exists, so unknown accounts throttle the same way.
      CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
        attempted_at INTEGER NOT NULL
      );
      CREATE INDEX login_attempts_by_account ON login_attempts(account, succeeded, attempted_at);
      CREATE INDEX login_attempts_by_address ON login_attempts(address, succeeded, attempted_at);
      CREATE INDEX login_attempts_by_time ON login_attempts(attempted_at);

      -- Revoking a tenant's entitlements and building scopes look entitlements up by tenant.
      CREATE INDEX tenant_entitlements_by_tenant ON tenant_entitlements(tenant_id, user_id);
      """)
}
