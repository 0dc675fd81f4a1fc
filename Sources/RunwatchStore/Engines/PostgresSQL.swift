import PostgresDB
import StorageEngine

/// PostgreSQL's side of `EngineSQL`. Instants are `timestamptz`.
struct PostgresSQL: EngineSQL {
  var migrations: [Migration] { PostgresSchema.migrations }
  var migrationLock: String? { PostgresSchema.migrationLock }
  func indexHint(_ index: String) -> String { "" }
  func least(_ first: String, _ second: String) -> String { "LEAST(\(first), \(second))" }
  func adding(milliseconds: String, to instant: String) -> String {
    "(\(instant) + \(milliseconds) * interval '1 millisecond')"
  }
  func hourStart(_ instant: String) -> String {
    // Binned from a fixed UTC origin, so the session's time zone cannot move the buckets.
    "date_bin(interval '1 hour', \(instant), timestamptz '2000-01-01 00:00:00+00')"
  }
  var writeProbe: String {
    """
    INSERT INTO runwatch_meta (key, value) VALUES ('write_probe', repeat('0', CAST(? AS integer)))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value
    """
  }
  var lockingRead: String { " FOR UPDATE" }
  var tableExists: String { "SELECT 1 WHERE to_regclass(?) IS NOT NULL" }
}
