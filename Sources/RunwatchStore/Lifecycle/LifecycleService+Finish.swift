import Foundation
import RunwatchCore
import StorageEngine

// The single terminal write, the late-report path and the notification rule.

/// A terminal write with everything rendered: the run as it will be, its JSON columns, the audit metadata and
/// the notification's words. Built outside the write transaction (`LifecycleService.prepareFinish`), so the
/// transaction itself only binds values: the reconciler holds the write lock for the SQL alone.
struct TerminalWrite {
  /// The run as it was read: its status is the compare-and-set's expected value.
  let before: OperationRun
  /// The run as it will be stored.
  let after: OperationRun
  let action: AuditAction
  let actor: Actor
  let at: Date
  /// The counts to store, or nil to keep the stored ones.
  let countsText: String?
  let failuresText: String
  let evidenceText: String?
  let auditMetadataText: String
  /// Title and message of the initiator's notification (nil for a system run).
  let notification: (title: String, message: String)?
}

/// What the terminal UPDATE compares besides the run's id.
enum TerminalWriteGuard {
  /// The status read in the same transaction (workers, bridges: they read and write in one transaction).
  case status
  /// Every field the reconciler's assessment read — status, start, last heartbeat, linked record status (the
  /// creation time never changes) — as read before the write transaction: a run that changed in between (a
  /// late heartbeat moved its deadline) is left alone and assessed again on the next tick.
  case assessedFields
}

extension LifecycleService {
  /// Writes terminal truth with a compare-and-set on the status read, then its audit event and notification.
  func finish(
    _ run: OperationRun, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure],
    reconciliation: Reconciliation?, action: AuditAction, actor: Actor, in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    let write = prepareFinish(
      run, outcome: outcome, counts: counts, failures: failures, reconciliation: reconciliation,
      action: action,
      actor: actor)
    return try apply(write, guard: .status, in: connection)
  }

  /// Renders the terminal write for `run` without touching the database. `counts` nil keeps the stored counts.
  func prepareFinish(
    _ run: OperationRun, outcome: RunOutcome, counts: [String: Int64]?, failures: [RunFailure],
    reconciliation: Reconciliation?, action: AuditAction, actor: Actor
  ) -> TerminalWrite {
    let now = clock.now()
    var done = run
    done.status = .completed
    done.outcome = outcome
    if let counts { done.summaryCounts = counts }
    done.failures = failures
    done.completedAt = now
    done.reconciliation = reconciliation
    // The audit metadata holds the evidence too: rendered once, copied into both. Members in the order of
    // their names, as every stored JSON object is.
    let evidenceText = reconciliation?.evidence.jsonText
    var metadata: [(key: String, value: JSONWriter.Member)] = [
      ("after", .value(snapshot(done, now: now))), ("before", .value(snapshot(run, now: now))),
    ]
    if let reconciliation, let evidenceText {
      metadata += [
        ("evidence", .rendered(evidenceText)),
        ("reason_code", .value(.string(reconciliation.reason.rawValue))),
        ("reason_message", .value(.string(ReasonCatalog.describe(reconciliation).explanation))),
      ]
    }
    metadata.append(("type", .value(.string(run.type))))
    return TerminalWrite(
      before: run, after: done, action: action, actor: actor, at: now,
      countsText: counts.map(OperationRun.encodeCounts), failuresText: OperationRun.encodeFailures(failures),
      evidenceText: evidenceText, auditMetadataText: JSONWriter.text(orderedMembers: metadata),
      notification: Notifications.terminalWording(for: done))
  }

  /// Performs `write` in the caller's transaction: the guarded UPDATE, then (only if it won) the rollups, the
  /// audit event, the notification and the webhook deliveries (`WebhookOutbox`). A lost compare-and-set changes nothing and is `.refused(.statusChanged)`.
  func apply(_ write: TerminalWrite, guard: TerminalWriteGuard, in connection: any DatabaseConnection) throws
    -> TransitionResult
  {
    var tally = RunRollupTally()
    let result = try apply(write, guard: `guard`, tally: &tally, in: connection)
    try tally.write(in: connection)
    return result
  }

  /// `apply(_:guard:in:)` counting the run in `tally` instead of writing its rollups: the caller writes the
  /// tally before its transaction commits (the reconciler, once per write transaction).
  func apply(
    _ write: TerminalWrite, guard: TerminalWriteGuard, tally: inout RunRollupTally,
    in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    let run = write.before
    let done = write.after
    let reconciliation = done.reconciliation
    var sql = """
      UPDATE operation_runs
      SET status = 'completed', outcome = ?, \(write.countsText == nil ? "" : "summary_counts = ?, ")\
      failure_summary = ?, completed_at = ?, stale_at = NULL, reconciliation_reason = ?,
        reconciliation_source = ?, reconciliation_evidence = ?, reconciled_at = ?
      WHERE id = ? AND status = ?
      """
    var arguments: [any SQLBindable] = [done.outcome.rawValue]
    if let countsText = write.countsText { arguments.append(countsText) }
    arguments += [
      write.failuresText, write.at, reconciliation?.reason.rawValue, reconciliation?.source,
      write.evidenceText,
      reconciliation?.reconciledAt, run.id, run.status.rawValue,
    ]
    if case .assessedFields = `guard` {
      sql += """

         AND started_at IS NOT DISTINCT FROM ? AND last_heartbeat_at IS NOT DISTINCT FROM ?
        """
      arguments += [run.startedAt, run.lastHeartbeatAt]
      if let linked = run.linkedRecord {
        sql += " AND COALESCE(linked_record_status, '') = ?"
        arguments.append(linked.status)
      }
    }
    guard try connection.execute(sql, arguments) == 1 else {
      return .refused(Refusal(reason: .statusChanged, run: run))
    }
    tally.add(done, finishedAt: reconciliation?.reconciledAt ?? write.at)
    // The worker's or the queue's own words become searchable; a run the reconciler heals keeps its text.
    if reconciliation == nil || reconciliation?.source == "queue_failure_bridge" {
      try RunSearch.index(runID: done.id, in: connection)
    }
    try faults.afterStep(.runUpdated)
    try AuditLog.record(
      write.action, run: done, actor: write.actor, at: write.at, metadataText: write.auditMetadataText,
      in: connection)
    try faults.afterStep(.auditRecorded)
    if let notification = write.notification, let userID = done.initiatorUserID {
      try Notifications.insertTerminal(
        runID: done.id, userID: userID, title: notification.title, message: notification.message,
        url: done.canonicalPath, needsAttention: done.outcome.needsAttention, at: write.at, in: connection)
    }
    try faults.afterStep(.notificationRecorded)
    try WebhookOutbox.enqueue(for: done, at: write.at, in: connection)
    try faults.afterStep(.webhooksQueued)
    return .applied(done)
  }

  /// Keeps a refused report as evidence (late report + audit event) and builds the refusal: a report for a
  /// terminal run (`alreadyTerminal`), or one the run's type does not accept (`scheduledOnly`).
  func refuseLate(
    _ run: OperationRun, kind: String, payload: JSONValue, reason: RefusalReason = .alreadyTerminal,
    actor: Actor, in connection: any DatabaseConnection
  ) throws -> Refusal {
    let now = clock.now()
    let id = try connection.insert(
      "INSERT INTO late_reports (run_id, received_at, kind, reporter, payload) VALUES (?, ?, ?, ?, ?)",
      [run.id, now, kind, actor.label, payload.jsonText])
    let lateReportID = id
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

extension LifecycleService {
  /// The reconciler's terminal writes for many runs in a few statements, on an engine that gains by it
  /// (`EngineSQL.terminalBatchUpdate`; nil on the others, which write run by run with `apply`): one guarded
  /// UPDATE for all of them (the compare-and-set of `TerminalWriteGuard.assessedFields`, row by row), then one
  /// INSERT of the audit events, one of the notifications and one of the webhook deliveries of the runs it
  /// changed. Returns the ids of the runs it changed; the others lost their compare-and-set and are untouched.
  /// Every write must keep the stored counts (`countsText` nil), as the reconciler's do.
  func applyAll(
    _ writes: [TerminalWrite], tally: inout RunRollupTally, in connection: any DatabaseConnection
  ) throws -> Set<Int64>? {
    guard !writes.isEmpty, writes.allSatisfy({ $0.countsText == nil }),
      let sql = connection.engineSQL.terminalBatchUpdate(rows: writes.count)
    else { return nil }
    var arguments: [any SQLBindable] = []
    arguments.reserveCapacity(writes.count * 12)
    for write in writes {
      let run = write.before
      let reconciliation = write.after.reconciliation
      arguments += [
        run.id, run.status.rawValue, write.after.outcome.rawValue, write.failuresText, write.at,
        reconciliation?.reason.rawValue, reconciliation?.source, write.evidenceText,
        reconciliation?.reconciledAt,
        run.startedAt, run.lastHeartbeatAt, run.linkedRecord?.status,
      ]
    }
    let won = Set(try connection.query(sql, arguments).compactMap { $0.int64(at: 0) })
    let applied = writes.filter { won.contains($0.before.id) }
    // Fault hooks fire once per run after each step, as on the run-by-run path.
    for _ in applied { try faults.afterStep(.runUpdated) }
    for write in applied {
      tally.add(write.after, finishedAt: write.after.reconciliation?.reconciledAt ?? write.at)
    }
    try connection.insertRows(
      into: "audit_events",
      columns: [
        "workspace_id", "run_id", "actor_kind", "actor_label", "source", "action", "created_at", "metadata",
      ],
      rows: applied.map { write in
        [
          write.after.workspaceID, write.after.id, write.actor.kind.rawValue, write.actor.label,
          write.actor.source,
          write.action.rawValue, write.at, write.auditMetadataText,
        ]
      })
    for _ in applied { try faults.afterStep(.auditRecorded) }
    // Recipients who asked for failures only, among those of runs that do not need attention.
    let calm = Set(
      applied.filter { !$0.after.outcome.needsAttention }.compactMap { $0.after.initiatorUserID })
    let failuresOnly: Set<Int64> =
      calm.isEmpty
      ? []
      : Set(
        try connection.query(
          "SELECT id FROM users WHERE notify_on = 'failures' AND id IN (\(SQLCondition.parameterMarks(calm.count)))",
          calm.sorted()
        ).compactMap { $0.int64("id") })
    let notified = applied.compactMap { write -> [any SQLBindable]? in
      guard let notification = write.notification, let userID = write.after.initiatorUserID,
        write.after.outcome.needsAttention || !failuresOnly.contains(userID)
      else {
        return nil
      }
      return [
        userID, write.after.id, notification.title, notification.message, write.after.canonicalPath, write.at,
      ]
    }
    try connection.insertRows(
      into: "notifications", columns: ["user_id", "run_id", "title", "message", "url", "created_at"],
      rows: notified, suffix: " ON CONFLICT (run_id) DO NOTHING")
    for _ in applied { try faults.afterStep(.notificationRecorded) }
    try WebhookOutbox.enqueueAll(applied.map { ($0.after, $0.at) }, in: connection)
    for _ in applied { try faults.afterStep(.webhooksQueued) }
    return won
  }
}
