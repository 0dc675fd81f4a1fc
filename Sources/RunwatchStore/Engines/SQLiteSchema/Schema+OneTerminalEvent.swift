import StorageEngine

extension SQLiteSchema {
  /// One terminal audit event per run, enforced by the schema as the terminal notification already is: a
  /// second `run.completed`, `run.reconciled` or `run.queue_failure_bridged` for a run is refused whatever
  /// code path (or instance) tries to write it.
  static let oneTerminalEventPerRun = Migration(
    "2026_12_06_001_one_terminal_event_per_run",
    sql: """
      CREATE UNIQUE INDEX audit_one_terminal_event_per_run ON audit_events(run_id)
        WHERE action IN ('run.completed', 'run.reconciled', 'run.queue_failure_bridged');
      """)
}
