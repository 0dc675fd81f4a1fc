import Foundation
import RunwatchCore
import StorageEngine

extension OperationRun {
  /// Columns selected whenever a full run is read.
  static let selectColumns = """
    id, workspace_id, tenant_id, initiator_user_id, type, status, outcome, summary_counts, failure_summary,
    context, created_at, started_at, last_heartbeat_at, completed_at, reconciliation_reason,
    reconciliation_source, reconciliation_evidence, reconciled_at, linked_record_kind, linked_record_id,
    linked_record_status, worker_host, worker_pid, worker_name
    """

  /// Columns the reconciler reads: everything but the counts, failures and context, which a reconciliation
  /// neither looks at nor changes (a context can be hundreds of kilobytes; a heal reads thousands of runs).
  static let reconcileColumns = """
    id, workspace_id, tenant_id, initiator_user_id, type, status, outcome, created_at, started_at,
    last_heartbeat_at, completed_at, reconciliation_reason, reconciliation_source, reconciliation_evidence,
    reconciled_at, linked_record_kind, linked_record_id, linked_record_status
    """

  /// Decodes a run from a row selected with `selectColumns` (columns left out decode as empty).
  init(row: Row) throws {
    guard let id = row.int64("id"), let workspaceID = row.int64("workspace_id"),
      let type = row.string("type"), let status = row.string("status").flatMap(RunStatus.init(rawValue:)),
      let outcome = row.string("outcome").flatMap(RunOutcome.init(rawValue:)),
      let createdAt = row.date("created_at")
    else { throw StoreError.corruptRow(table: "operation_runs") }
    var reconciliation: Reconciliation?
    if let code = row.string("reconciliation_reason").flatMap(ReasonCode.init(rawValue:)),
      let reconciledAt = row.date("reconciled_at")
    {
      reconciliation = Reconciliation(
        reason: code, source: row.string("reconciliation_source") ?? "unknown",
        evidence: row.string("reconciliation_evidence").flatMap(JSONValue.init(jsonText:)) ?? .emptyObject,
        reconciledAt: reconciledAt)
    }
    var linked: LinkedRecord?
    if let kind = row.string("linked_record_kind"), let externalID = row.string("linked_record_id") {
      linked = LinkedRecord(
        kind: kind, externalID: externalID, status: row.string("linked_record_status") ?? "")
    }
    self.init(
      id: id, workspaceID: workspaceID, tenantID: row.int64("tenant_id"),
      initiatorUserID: row.int64("initiator_user_id"), type: type, status: status, outcome: outcome,
      summaryCounts: Self.decodeCounts(row.string("summary_counts")),
      failures: Self.decodeFailures(row.string("failure_summary")),
      context: row.string("context").flatMap(JSONValue.init(jsonText:)) ?? .emptyObject,
      createdAt: createdAt, startedAt: row.date("started_at"), lastHeartbeatAt: row.date("last_heartbeat_at"),
      completedAt: row.date("completed_at"), reconciliation: reconciliation, linkedRecord: linked,
      worker: row.string("worker_host").map {
        WorkerIdentity(host: $0, pid: row.int64("worker_pid"), name: row.string("worker_name"))
      })
  }

  /// Stored counts (`{"processed":10}`), or `[:]` when the text is not an object of whole numbers. Read with
  /// `JSONParser` rather than `JSONDecoder`, which cost a heartbeat more than the rest of the row; the answers
  /// are the same for everything `encodeCounts` writes (counts are at most 2^53 − 1, names unique).
  static func decodeCounts(_ text: String?) -> [String: Int64] {
    guard let text, case .object(let members)? = try? JSONParser.parse(text.utf8) else { return [:] }
    var counts: [String: Int64] = [:]
    counts.reserveCapacity(members.count)
    for (name, value) in members {
      guard let number = value.numberValue, let count = Int64(exactly: number) else { return [:] }
      counts[name] = count
    }
    return counts
  }

  /// Stored failure lines, or `[]` when the text is not an array of `{"code", "message"}` strings.
  static func decodeFailures(_ text: String?) -> [RunFailure] {
    guard let text, case .array(let items)? = try? JSONParser.parse(text.utf8) else { return [] }
    var failures: [RunFailure] = []
    failures.reserveCapacity(items.count)
    for item in items {
      guard let code = item["code"]?.stringValue, let message = item["message"]?.stringValue else {
        return []
      }
      failures.append(RunFailure(code: code, message: message))
    }
    return failures
  }

  package static func encodeCounts(_ counts: [String: Int64]) -> String {
    JSONValue.object(counts.mapValues { .number(Double($0)) }).jsonText
  }

  package static func encodeFailures(_ failures: [RunFailure]) -> String {
    JSONValue.array(failures.map { ["code": .string($0.code), "message": .string($0.message)] }).jsonText
  }
}

/// Errors from the store that are not SQLite's own.
public enum StoreError: Error, CustomStringConvertible, Sendable {
  /// A stored row could not be decoded.
  case corruptRow(table: String)
  /// A referenced record does not exist.
  case notFound(String)
  /// Input was rejected before touching the database.
  case invalid(String)

  /// Human-readable description.
  public var description: String {
    switch self {
    case .corruptRow(let table): "a row in \(table) could not be read"
    case .notFound(let what): "\(what) not found"
    case .invalid(let why): why
    }
  }
}

extension DatabaseConnection {
  /// The rows of `ids` as the reconciler needs them, by id, in one statement (one round trip on PostgreSQL
  /// for a whole chunk). Rows are decoded by the caller, one by one, so one bad row fails only its run.
  func fetchRowsForReconciling(ids: some Collection<Int64>) throws -> [Int64: Row] {
    guard !ids.isEmpty else { return [:] }
    let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
    let rows = try query(
      "SELECT \(OperationRun.reconcileColumns) FROM operation_runs WHERE id IN (\(marks))", Array(ids))
    var byID: [Int64: Row] = [:]
    for row in rows { if let id = row.int64("id") { byID[id] = row } }
    return byID
  }

  /// Reads one run by id.
  func fetchRun(id: Int64) throws -> OperationRun? {
    guard
      let row = try queryOne("SELECT \(OperationRun.selectColumns) FROM operation_runs WHERE id = ?", [id])
    else { return nil }
    RunReadProbe.recordFullRow(row)
    return try OperationRun(row: row)
  }

  /// Reads run `id` to change it, inside the caller's write transaction. On PostgreSQL the row stays locked
  /// until the transaction ends, so a second writer of the same run (a worker and another instance's
  /// reconciler) waits and then reads the first one's result: the loser is refused as already terminal and
  /// its report kept, exactly as behind SQLite's single writer.
  func fetchRunForUpdate(id: Int64) throws -> OperationRun? {
    let sql = "SELECT \(OperationRun.selectColumns) FROM operation_runs WHERE id = ?" + engineSQL.lockingRead
    guard let row = try queryOne(sql, [id]) else { return nil }
    RunReadProbe.recordFullRow(row)
    return try OperationRun(row: row)
  }
}
