import StorageEngine

extension SQLiteSchema {
  /// Indexes for the Operations index's newer filters: runs of one initiator newest first, and runs created in
  /// a time range (`created_after`, `created_before`, "jump to date").
  static let runFinders = Migration(
    "2026_12_06_007_run_finders",
    sql: """
      CREATE INDEX runs_by_initiator ON operation_runs(initiator_user_id, workspace_id, id);
      CREATE INDEX runs_by_created ON operation_runs(created_at, workspace_id);
      """)
}
