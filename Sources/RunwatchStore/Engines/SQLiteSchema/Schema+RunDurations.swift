import StorageEngine

extension SQLiteSchema {
  /// The insights page's rollups, written in the terminal write's own transaction beside `run_rollups` and
  /// filled here from what is already stored:
  /// - `run_durations`: how long finished runs took, a histogram per UTC hour of their finish and per
  ///   (workspace, tenant, type) (see `RunDurations`): p50 / p95.
  /// - `run_rollups_daily`, `run_durations_daily`: the same per UTC day, so a 30-day page reads 30 days of
  ///   rows instead of 720 hours of them.
  /// - `runs_finished_by_type`: a type's runs by when they finished, for the page's links
  ///   (`RunFilter.finishedSince`).
  static let runDurations = Migration(
    "2026_12_06_006_insights_rollups",
    sql: """
      CREATE TABLE run_durations (
        workspace_id INTEGER NOT NULL,
        hour INTEGER NOT NULL,
        tenant_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        runs INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, hour, tenant_id, type, bucket)
      ) WITHOUT ROWID;
      CREATE TABLE run_rollups_daily (
        workspace_id INTEGER NOT NULL,
        day INTEGER NOT NULL,
        tenant_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        runs INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, day, tenant_id, type, outcome, reason)
      ) WITHOUT ROWID;
      CREATE TABLE run_durations_daily (
        workspace_id INTEGER NOT NULL,
        day INTEGER NOT NULL,
        tenant_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        runs INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, day, tenant_id, type, bucket)
      ) WITHOUT ROWID;
      CREATE INDEX runs_finished_by_type ON operation_runs(type, COALESCE(reconciled_at, completed_at), workspace_id);
      \(RunDurations.rebuildScript(for: SQLiteSQL()))
      \(RunRollups.rebuildDailyScript(for: SQLiteSQL()))
      """)
}
