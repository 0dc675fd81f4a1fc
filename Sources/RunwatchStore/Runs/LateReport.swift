import Foundation
import RunwatchCore
import SQLiteDB

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

extension RunwatchDatabase {
  /// One run by id, or nil.
  public func run(id: Int64) throws -> OperationRun? {
    try pool.read { connection in try connection.fetchRun(id: id) }
  }

  /// Late reports for a run, oldest first.
  public func lateReports(runID: Int64) throws -> [LateReport] {
    try pool.read { connection in
      try connection.query("SELECT * FROM late_reports WHERE run_id = ? ORDER BY id", [runID]).map { row in
        guard let id = row.int64("id"), let receivedAt = row.date("received_at") else {
          throw StoreError.corruptRow(table: "late_reports")
        }
        return LateReport(
          id: id, runID: runID, receivedAt: receivedAt, kind: row.string("kind") ?? "",
          reporter: row.string("reporter") ?? "",
          payload: row.string("payload").flatMap(JSONValue.init(jsonText:)) ?? .emptyObject)
      }
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
