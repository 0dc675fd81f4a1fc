import StorageEngine

extension SQLiteSchema {
  /// `run_search`: the runs' full-text index (`RunSearch`), an FTS5 table whose rowid is the run's id, filled
  /// here from the runs already stored.
  static let runSearch = Migration(
    "2026_12_06_008_run_search",
    sql: """
      CREATE VIRTUAL TABLE run_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
      \(RunSearch.rebuildScript(for: SQLiteSQL()))
      """)
}
