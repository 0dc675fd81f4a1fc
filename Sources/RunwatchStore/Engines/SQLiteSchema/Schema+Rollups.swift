import StorageEngine

extension SQLiteSchema {
  /// Maintained counts, so no page or metric ever scans completed or reconciled history:
  /// - `run_rollups`: finished runs per UTC hour of their finish (a reconciled run's `reconciled_at`, otherwise
  ///   its `completed_at`) and per (workspace, tenant, type, outcome, reason). `tenant_id` 0 stands for
  ///   workspace-level runs (ids start at 1; a key column cannot be NULL and still match an upsert) and
  ///   `reason` '' for runs completed by their worker. The index's "reconciled in the last 24 h" tile sums a
  ///   day of these rows; the insights page will read them too.
  /// - `run_totals`: totals since the beginning (`completed`), for `/metrics`.
  ///
  /// Both are written by `RunRollups.record` in the same transaction as the run's terminal write, and filled
  /// here from the runs already stored.
  static let rollups = Migration(
    "2026_12_02_001_run_rollups",
    sql: """
      CREATE TABLE run_rollups (
        workspace_id INTEGER NOT NULL,
        hour INTEGER NOT NULL,
        tenant_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        runs INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, hour, tenant_id, type, outcome, reason)
      ) WITHOUT ROWID;
      CREATE TABLE run_totals (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      \(RunRollups.rebuildScript(for: SQLiteSQL()))
      """)
}
