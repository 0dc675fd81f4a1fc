import Foundation
import RunwatchCore
import StorageEngine

/// A report that arrived after its run reached terminal truth: kept as evidence, never applied.
public struct LateReport: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// The run.
  public var runID: Int64
  /// When it arrived.
  public var receivedAt: Date
  /// What was attempted: `start`, `heartbeat`, `complete`, `queue_failure`.
  public var kind: String
  /// Who sent it.
  public var reporter: String
  /// What it said.
  public var payload: JSONValue
}

extension LateReport {
  /// Columns selected whenever a late report is read.
  static let selectColumns = "id, run_id, received_at, kind, reporter, payload"

  /// Decodes a late report from a row selected with `selectColumns`.
  init(row: Row) throws {
    guard let id = row.int64("id"), let runID = row.int64("run_id"), let receivedAt = row.date("received_at")
    else { throw StoreError.corruptRow(table: "late_reports") }
    self.init(
      id: id, runID: runID, receivedAt: receivedAt, kind: row.string("kind") ?? "",
      reporter: row.string("reporter") ?? "",
      payload: row.string("payload").flatMap(JSONValue.init(jsonText:)) ?? .emptyObject)
  }
}

extension DatabaseConnection {
  /// Late reports of one run, oldest first, on this connection (inside the caller's transaction).
  func fetchLateReports(runID: Int64) throws -> [LateReport] {
    try query(LateReportSQL.byRun, [runID]).map(LateReport.init(row:))
  }

}

private enum LateReportSQL {
  static let byRun = "SELECT \(LateReport.selectColumns) FROM late_reports WHERE run_id = ? ORDER BY id"
}

extension RunwatchDatabase {
  /// One run by id, or nil.
  public func run(id: Int64) throws -> OperationRun? {
    try pool.read { connection in try connection.fetchRun(id: id) }
  }

  /// Late reports for a run, oldest first.
  public func lateReports(runID: Int64) throws -> [LateReport] {
    try lateReports(runIDs: [runID])[runID] ?? []
  }

  /// Late reports of several runs (a page of a list) in one query, by run id, each run's oldest first.
  public func lateReports(runIDs: [Int64]) throws -> [Int64: [LateReport]] {
    guard !runIDs.isEmpty else { return [:] }
    let sql = """
      SELECT \(LateReport.selectColumns) FROM late_reports
      WHERE run_id IN (\(SQLCondition.parameterMarks(runIDs.count))) ORDER BY run_id, id
      """
    return try pool.read { connection in
      var reports: [Int64: [LateReport]] = [:]
      for row in try connection.query(sql, runIDs) {
        let report = try LateReport(row: row)
        reports[report.runID, default: []].append(report)
      }
      return reports
    }
  }

  /// Audit events about one run, oldest first.
  public func auditEvents(runID: Int64) throws -> [AuditEvent] {
    try pool.read { connection in
      try connection.query("SELECT * FROM audit_events WHERE run_id = ? ORDER BY id", [runID]).map(
        AuditLog.decode)
    }
  }
}
