import StorageEngine

extension SQLiteSchema {
  /// The worker that started a run, as it described itself (`worker` on start): host, process id, name.
  static let runWorker = Migration(
    "2026_12_06_003_run_worker",
    sql: """
      ALTER TABLE operation_runs ADD COLUMN worker_host TEXT;
      ALTER TABLE operation_runs ADD COLUMN worker_pid INTEGER;
      ALTER TABLE operation_runs ADD COLUMN worker_name TEXT;
      """)
}
