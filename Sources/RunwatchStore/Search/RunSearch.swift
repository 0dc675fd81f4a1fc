import Foundation
import RunwatchCore
import StorageEngine

/// The runs' full-text index (`run_search`): per run, the words an operator may look for — the type and its
/// label, the tenant, who requested it, its context values, linked record, worker, failure messages and the
/// queue's exception — so the Operations page's search box finds runs by any of them without reading the
/// runs. SQLite keeps it in an FTS5 table, PostgreSQL in a `tsvector` column with a GIN index; both index
/// the same text split into letters-and-digits words, and a query matches runs holding every word it
/// names as a word prefix.
///
/// The text is written when a run is created, when a worker starts it, and when its worker or queue finishes
/// it with words of their own; a run the reconciler heals keeps its text (the reconciler's words are the
/// reason catalog's, which the Reason filter finds).
public enum RunSearch {
  /// Words shorter than this are left out of a query (a one-letter prefix matches nearly everything).
  public static let shortestWord = 2
  /// Most words a query keeps.
  public static let mostWords = 8

  /// The words of a query as the index holds them: letters and digits, lower-cased, at least
  /// `shortestWord` long, at most `mostWords` of them. Empty when nothing searchable is left.
  public static func words(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    func finish() {
      if current.count >= shortestWord, !words.contains(current) { words.append(current) }
      current = ""
    }
    for character in text.lowercased() {
      if character.isLetter || character.isNumber { current.append(character) } else { finish() }
    }
    finish()
    return Array(words.prefix(mostWords))
  }

  /// The text indexed for the runs `where` selects (a condition on `r`, the run), as a SELECT of
  /// (run id, text), identical on both engines.
  static func documents(where condition: String) -> String {
    let labels = OperationTypeLabel.ownLabels.map { "WHEN '\($0.type)' THEN '\($0.label)'" }
    return """
      SELECT r.id, r.type || ' ' || (CASE r.type \(labels.joined(separator: " ")) ELSE '' END)
        || ' ' || COALESCE(t.name, '') || ' ' || COALESCE(u.name, '') || ' ' || r.context
        || ' ' || r.failure_summary || ' ' || COALESCE(r.linked_record_kind, '') || ' '
        || COALESCE(r.linked_record_id, '') || ' ' || COALESCE(r.worker_name, '') || ' '
        || COALESCE(r.worker_host, '') || ' '
        || (CASE WHEN r.reconciliation_source = 'queue_failure_bridge' THEN COALESCE(r.reconciliation_evidence, '')
            ELSE '' END)
      FROM operation_runs r LEFT JOIN tenants t ON t.id = r.tenant_id LEFT JOIN users u ON u.id = r.initiator_user_id
      WHERE \(condition)
      """
  }

  /// (Re)writes the indexed text of run `id`, inside the caller's transaction.
  static func index(runID id: Int64, in connection: any DatabaseConnection) throws {
    try connection.execute(connection.engineSQL.searchIndexUpsert(documents(where: "r.id = ?")), [id])
  }

  /// Recomputes the whole index (migrations and bulk loads; a full scan).
  static func rebuildScript(for sql: any EngineSQL) -> String {
    """
    DELETE FROM run_search;
    \(sql.searchIndexUpsert(documents(where: "1 = 1")));
    \(sql.searchIndexCompaction.map { "\($0);" } ?? "")
    """
  }
}

extension RunwatchDatabase {
  /// Recomputes the search index from the stored runs, for tools that insert runs directly (the demo's bulk
  /// history, benchmarks) instead of through the lifecycle service. A full scan: never on a request path.
  public func rebuildSearchIndex() throws {
    try pool.writeTransaction { connection in
      try connection.executeScript(RunSearch.rebuildScript(for: connection.engineSQL))
    }
  }
}
