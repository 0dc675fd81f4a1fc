import StorageEngine

extension SQLiteSchema {
  /// `runs_reconciled_by_time` served the "reconciled in the last 24 h" count, which reads `run_rollups` now;
  /// the list behind that tile walks `runs_reconciled_by_workspace` newest first. Unused, it still cost an
  /// index insert on every reconciliation (a tenth of the index work of healing a run).
  static let dropReconciledByTime = Migration(
    "2026_12_05_001_drop_runs_reconciled_by_time",
    sql: """
      DROP INDEX IF EXISTS runs_reconciled_by_time;
      """)
}
