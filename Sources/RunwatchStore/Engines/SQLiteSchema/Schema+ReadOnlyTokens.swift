import StorageEngine

extension SQLiteSchema {
  /// Tokens that may read runs but not report on them (`token create --read-only`).
  static let readOnlyTokens = Migration(
    "2026_12_06_002_read_only_tokens",
    sql: """
      ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
      """)
}
