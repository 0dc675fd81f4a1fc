import Foundation
import RunwatchCore
import SQLiteDB

// The single terminal write, the late-report path and the notification rule.
extension LifecycleService {
  /// Writes terminal truth with a compare-and-set on the status read, then its audit event and notification.
  func finish(
    _ run: OperationRun, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure],
    reconciliation: Reconciliation?, action: AuditAction, actor: Actor, in connection: Connection
  ) throws -> TransitionResult {
    let now = clock.now()
    var done = run
    done.status = .completed
    done.outcome = outcome
    done.summaryCounts = counts
    done.failures = failures
    done.completedAt = now
    done.reconciliation = reconciliation
    try connection.execute(
      """
      UPDATE operation_runs
      SET status = 'completed', outcome = ?, summary_counts = ?, failure_summary = ?, completed_at = ?,
        stale_at = NULL, reconciliation_reason = ?, reconciliation_source = ?, reconciliation_evidence = ?,
        reconciled_at = ?
      WHERE id = ? AND status = ?
      """,
      [
        outcome.rawValue, OperationRun.encodeCounts(counts), OperationRun.encodeFailures(failures), now,
        reconciliation?.reason.rawValue, reconciliation?.source, reconciliation?.evidence.jsonText,
        reconciliation?.reconciledAt, run.id, run.status.rawValue,
      ])
    guard connection.changes == 1 else { return .refused(Refusal(reason: .statusChanged, run: run)) }
    try RunRollups.record(done, finishedAt: reconciliation?.reconciledAt ?? now, in: connection)
    try faults.afterStep(.runUpdated)
    var metadata: [String: JSONValue] = [
      "before": snapshot(run, now: now), "after": snapshot(done, now: now), "type": .string(run.type),
    ]
    if let reconciliation {
      metadata["reason_code"] = .string(reconciliation.reason.rawValue)
      metadata["reason_message"] = .string(ReasonCatalog.describe(reconciliation).explanation)
      metadata["evidence"] = reconciliation.evidence
    }
    try AuditLog.record(action, run: done, actor: actor, at: now, metadata: .object(metadata), in: connection)
    try faults.afterStep(.auditRecorded)
    try Notifications.recordTerminal(done, at: now, in: connection)
    try faults.afterStep(.notificationRecorded)
    return .applied(done)
  }

  /// Keeps a refused report as evidence (late report + audit event) and builds the refusal: a report for a
  /// terminal run (`alreadyTerminal`), or one the run's type does not accept (`scheduledOnly`).
  func refuseLate(
    _ run: OperationRun, kind: String, payload: JSONValue, reason: RefusalReason = .alreadyTerminal,
    actor: Actor, in connection: Connection
  ) throws -> Refusal {
    let now = clock.now()
    try connection.execute(
      "INSERT INTO late_reports (run_id, received_at, kind, reporter, payload) VALUES (?, ?, ?, ?, ?)",
      [run.id, now, kind, actor.label, payload.jsonText])
    let lateReportID = connection.lastInsertRowID
    try AuditLog.record(
      .lateReportRefused, run: run, actor: actor, at: now,
      metadata: [
        "late_report_id": .number(Double(lateReportID)), "kind": .string(kind), "payload": payload,
        "run": snapshot(run, now: now), "refusal": .string(reason.rawValue),
      ], in: connection)
    return Refusal(reason: reason, run: run, lateReportID: lateReportID)
  }

  /// Status, outcome and freshness of `run` at `now`, as audit metadata.
  func snapshot(_ run: OperationRun, now: Date) -> JSONValue {
    [
      "status": .string(run.status.rawValue), "outcome": .string(run.outcome.rawValue),
      "freshness_state": .string(run.freshness(policy: policy, now: now).rawValue),
    ]
  }

  func countsJSON(_ counts: [String: Int64]) -> JSONValue {
    .object(counts.mapValues { .number(Double($0)) })
  }

  /// A failure line in operator words for a reconciled run; technical detail stays in the evidence.
  func operatorFailure(_ reconciliation: Reconciliation) -> RunFailure {
    RunFailure(
      code: reconciliation.reason.rawValue, message: ReasonCatalog.describe(reconciliation).explanation)
  }
}
