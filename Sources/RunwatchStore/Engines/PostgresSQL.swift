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
  func milliseconds(from start: String, to end: String) -> String {
    "CAST(floor(EXTRACT(EPOCH FROM (\(end) - \(start))) * 1000) AS bigint)"
  }
  func hourStart(_ instant: String) -> String {
    // Binned from a fixed UTC origin, so the session's time zone cannot move the buckets.
    "date_bin(interval '1 hour', \(instant), timestamptz '2000-01-01 00:00:00+00')"
  }
  func dayStart(_ instant: String) -> String {
    "date_bin(interval '1 day', \(instant), timestamptz '2000-01-01 00:00:00+00')"
  }
  var writeProbe: String {
    """
    INSERT INTO runwatch_meta (key, value) VALUES ('write_probe', repeat('0', CAST(? AS integer)))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value
    """
  }
  var lockingRead: String { " FOR UPDATE" }
  func searchIndexUpsert(_ documents: String) -> String {
    "INSERT INTO run_search (run_id, body) \(documents) ON CONFLICT (run_id) DO UPDATE SET body = excluded.body"
  }
  var searchIndexCompaction: String? { nil }
  func searchWindow(newer: Bool, bounded: Bool) -> String {
    let bound = bounded ? (newer ? " AND run_id > ?" : " AND run_id < ?") : ""
    return """
      SELECT run_id FROM run_search WHERE words @@ to_tsquery('simple', ?)\(bound)
      ORDER BY run_id \(newer ? "ASC" : "DESC") LIMIT ?
      """
  }
  func searchQuery(_ words: [String]) -> String {
    words.map { "\($0):*" }.joined(separator: " & ")
  }

  func terminalBatchUpdate(rows: Int) -> String? {
    // Every value is cast: a column of NULLs in VALUES would otherwise be typed text.
    let row = """
      (CAST(? AS bigint), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz),
       CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS timestamptz), CAST(? AS timestamptz),
       CAST(? AS timestamptz), CAST(? AS text))
      """
    return """
      UPDATE operation_runs AS r
      SET status = 'completed', outcome = v.outcome, failure_summary = v.failures, completed_at = v.completed_at,
        stale_at = NULL, reconciliation_reason = v.reason, reconciliation_source = v.source,
        reconciliation_evidence = v.evidence, reconciled_at = v.reconciled_at
      FROM (VALUES \(Array(repeating: row, count: rows).joined(separator: ", ")))
        AS v(id, expected, outcome, failures, completed_at, reason, source, evidence, reconciled_at, started,
          heartbeat, linked)
      WHERE r.id = v.id AND r.status = v.expected AND r.started_at IS NOT DISTINCT FROM v.started
        AND r.last_heartbeat_at IS NOT DISTINCT FROM v.heartbeat
        AND (v.linked IS NULL OR COALESCE(r.linked_record_status, '') = v.linked)
      RETURNING r.id
      """
  }
  var tableExists: String { "SELECT 1 WHERE to_regclass(?) IS NOT NULL" }
}
