import Foundation
import RunwatchCore
import StorageEngine

// Transitions on an open connection. Callers hold the write lock and an IMMEDIATE transaction, so the read of
// the current status and the conditional update below form one compare-and-set.
extension LifecycleService {
  func create(_ new: NewRun, by actor: Actor, in connection: any DatabaseConnection) throws -> OperationRun {
    if let tenantID = new.tenantID {
      let owner = try connection.scalar("SELECT workspace_id FROM tenants WHERE id = ?", [tenantID])
      guard owner == new.workspaceID else {
        throw StoreError.notFound("tenant \(tenantID) in this workspace")
      }
    }
    let now = clock.now()
    var run = OperationRun(
      id: 0, workspaceID: new.workspaceID, tenantID: new.tenantID, initiatorUserID: new.initiatorUserID,
      type: new.type, context: new.context, createdAt: now, linkedRecord: new.linkedRecord)
    let id = try connection.insert(
      """
      INSERT INTO operation_runs (workspace_id, tenant_id, initiator_user_id, type, status, outcome, context,
        created_at, stale_at, linked_record_kind, linked_record_id, linked_record_status)
      VALUES (?, ?, ?, ?, 'queued', 'pending', ?, ?, ?, ?, ?, ?)
      """,
      [
        run.workspaceID, run.tenantID, run.initiatorUserID, run.type, run.context.jsonText, now,
        run.staleDeadline(policy: policy), new.linkedRecord?.kind, new.linkedRecord?.externalID,
        new.linkedRecord?.status,
      ])
    run.id = id
    try RunSearch.index(runID: id, in: connection)
    try AuditLog.record(
      .runCreated, run: run, actor: actor, at: now,
      metadata: ["type": .string(run.type), "after": snapshot(run, now: now)], in: connection)
    return run
  }

  func start(
    runID: Int64, worker: WorkerIdentity? = nil, by actor: Actor, in connection: any DatabaseConnection
  )
    throws -> TransitionResult
  {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    let now = clock.now()
    if run.status.isTerminal {
      return .refused(try refuseLate(run, kind: "start", payload: .emptyObject, actor: actor, in: connection))
    }
    if run.status == .running { return .refused(Refusal(reason: .alreadyStarted, run: run)) }
    if let tenantID = run.tenantID,
      try connection.queryOne("SELECT status FROM tenants WHERE id = ?", [tenantID])?.string("status")
        == "archived"
    {
      try AuditLog.record(
        .startRefused, run: run, actor: actor, at: now,
        metadata: ["reason": "tenant_archived", "tenant_id": .number(Double(tenantID))], in: connection)
      return .refused(Refusal(reason: .tenantArchived, run: run))
    }
    var started = run
    started.status = .running
    started.startedAt = now
    started.lastHeartbeatAt = now
    started.worker = worker
    guard
      try connection.execute(
        """
        UPDATE operation_runs SET status = 'running', started_at = ?, last_heartbeat_at = ?, stale_at = ?,
          worker_host = ?, worker_pid = ?, worker_name = ?
        WHERE id = ? AND status = 'queued'
        """,
        [
          now, now, started.staleDeadline(policy: policy), worker?.host, worker?.pid, worker?.name, runID,
        ]) == 1
    else { return .refused(Refusal(reason: .statusChanged, run: run)) }
    if worker != nil { try RunSearch.index(runID: runID, in: connection) }
    let identity: JSONValue =
      worker.map {
        [
          "host": .string($0.host), "pid": $0.pid.map { .number(Double($0)) } ?? .null,
          "name": $0.name.map(JSONValue.string) ?? .null,
        ]
      } ?? .null
    try AuditLog.record(
      .runStarted, run: started, actor: actor, at: now, metadata: ["worker": identity], in: connection)
    return .applied(started)
  }

  func heartbeat(
    runID: Int64, summaryCounts: [String: Int64], by actor: Actor, in connection: any DatabaseConnection
  )
    throws -> TransitionResult
  {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    return try heartbeat(run, summaryCounts: summaryCounts, by: actor, in: connection)
  }

  /// The heartbeat with the access decision and the run object's reads in the same transaction: the run is read
  /// once (with its workspace slug and initiator e-mail), `principal` is checked against it by the one access
  /// decision, and only then is the heartbeat applied or refused. A missing run and one `principal` must not
  /// see give the same `.notFound`, before anything is written.
  func heartbeat(
    runID: Int64, summaryCounts: [String: Int64], by actor: Actor, authorizedFor principal: Principal,
    in connection: any DatabaseConnection
  ) throws -> Authorized<DetailedTransition> {
    var details: RunDetails
    switch try connection.fetchAuthorizedRunWithReferences(
      id: runID, principal: principal, policy: policy, forUpdate: true)
    {
    case .allowed(let allowed): details = allowed
    case .notFound: return .notFound
    case .forbidden(let capability): return .forbidden(capability)
    }
    let result = try heartbeat(details.run, summaryCounts: summaryCounts, by: actor, in: connection)
    if let run = result.run { details.run = run }
    details.lateReports = try connection.fetchLateReports(runID: runID)
    return .allowed(DetailedTransition(result: result, details: details))
  }

  private func heartbeat(
    _ run: OperationRun, summaryCounts: [String: Int64], by actor: Actor,
    in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    let runID = run.id
    if run.status.isTerminal {
      return .refused(
        try refuseLate(
          run, kind: "heartbeat", payload: ["summary_counts": countsJSON(summaryCounts)], actor: actor,
          in: connection))
    }
    guard run.status == .running else { return .refused(Refusal(reason: .notStarted, run: run)) }
    let now = clock.now()
    var updated = run
    updated.summaryCounts.merge(summaryCounts) { _, new in new }
    updated.lastHeartbeatAt = now
    // A heartbeat moves the stored deadline only for types with a heartbeat window; for the others it cannot
    // change, and leaving `stale_at` out of the SET spares its two indexes a write.
    let changed: Int
    if policy.types[run.type]?.heartbeatTimeoutSeconds != nil {
      changed = try connection.execute(
        """
        UPDATE operation_runs SET summary_counts = ?, last_heartbeat_at = ?, stale_at = ?
        WHERE id = ? AND status = 'running'
        """,
        [OperationRun.encodeCounts(updated.summaryCounts), now, updated.staleDeadline(policy: policy), runID])
    } else {
      changed = try connection.execute(
        """
        UPDATE operation_runs SET summary_counts = ?, last_heartbeat_at = ?
        WHERE id = ? AND status = 'running'
        """, [OperationRun.encodeCounts(updated.summaryCounts), now, runID])
    }
    guard changed == 1 else { return .refused(Refusal(reason: .statusChanged, run: run)) }
    return .applied(updated)
  }

  func complete(
    runID: Int64, outcome: RunOutcome, summaryCounts: [String: Int64], failures: [RunFailure],
    by actor: Actor,
    in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    if run.status.isTerminal {
      let payload: JSONValue = [
        "outcome": .string(outcome.rawValue), "summary_counts": countsJSON(summaryCounts),
        "failures": .array(failures.map { ["code": .string($0.code), "message": .string($0.message)] }),
      ]
      return .refused(try refuseLate(run, kind: "complete", payload: payload, actor: actor, in: connection))
    }
    var counts = run.summaryCounts
    counts.merge(summaryCounts) { _, new in new }
    return try finish(
      run, outcome: outcome, counts: counts, failures: failures, reconciliation: nil, action: .runCompleted,
      actor: actor, in: connection)
  }

  func bridgeQueueFailure(
    runID: Int64, report: QueueFailureReport, by actor: Actor, in connection: any DatabaseConnection
  )
    throws -> TransitionResult
  {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    let path = policy.types[run.type]?.terminalTruthPath
    if run.status.isTerminal || path == .scheduledOnly {
      let payload: JSONValue = [
        "kind": .string(report.kind.rawValue),
        "exception_class": report.exceptionClass.map(JSONValue.string) ?? .null,
        "message": report.message.map(JSONValue.string) ?? .null,
      ]
      // A terminal run's truth is final; a scheduled-only type's truth comes from the reconciler alone (its job
      // is not the one that knows whether the work finished). Either way the report is kept as evidence.
      return .refused(
        try refuseLate(
          run, kind: "queue_failure", payload: payload,
          reason: run.status.isTerminal ? .alreadyTerminal : .scheduledOnly, actor: actor, in: connection))
    }
    let now = clock.now()
    let evidence: JSONValue = [
      "evaluated_at": .timestamp(now),
      "status": .string(run.status.rawValue),
      "reference_time": .timestamp(run.referenceTime),
      "queue_failure": [
        "kind": .string(report.kind.rawValue),
        "exception_class": report.exceptionClass.map(JSONValue.string) ?? .null,
        "message": report.message.map(JSONValue.string) ?? .null,
      ],
      "terminal_truth_path": path.map { .string($0.rawValue) } ?? .null,
    ]
    let reconciliation = Reconciliation(
      reason: report.reason, source: "queue_failure_bridge", evidence: evidence, reconciledAt: now)
    return try finish(
      run, outcome: .failed, counts: run.summaryCounts, failures: [operatorFailure(reconciliation)],
      reconciliation: reconciliation, action: .runQueueFailureBridged, actor: actor, in: connection)
  }

  func resolve(
    runID: Int64, note: String, operatorName: String, by actor: Actor, in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    if run.status.isTerminal { return .refused(Refusal(reason: .alreadyTerminal, run: run)) }
    let now = clock.now()
    let freshness = run.freshness(policy: policy, now: now)
    guard freshness == .likelyStale else { return .refused(Refusal(reason: .notStale, run: run)) }
    let deadline = run.activeDeadline(policy: policy)
    var evidence: [String: JSONValue] = [
      "evaluated_at": .timestamp(now),
      "freshness_state": .string(freshness.rawValue),
      "status": .string(run.status.rawValue),
      "reference_time": .timestamp(deadline?.referenceTime ?? run.referenceTime),
      "threshold_seconds": deadline.map { .number(Double($0.thresholdSeconds)) } ?? .null,
      "resolved_by": ["name": .string(operatorName), "actor": .string(actor.label)],
      "note": .string(note),
      "scheduled_reconciliation": policy.types[run.type].map { .bool($0.scheduledReconciliation) } ?? .null,
    ]
    if run.status == .running, let deadline {
      evidence["deadline"] = .string(deadline.kind.rawValue)
      evidence["stale_at"] = .timestamp(deadline.at)
    }
    let reconciliation = Reconciliation(
      reason: .resolvedByOperator, source: "operator", evidence: .object(evidence), reconciledAt: now)
    return try finish(
      run, outcome: .failed, counts: run.summaryCounts, failures: [operatorFailure(reconciliation)],
      reconciliation: reconciliation, action: .runResolved, actor: actor, in: connection)
  }

  func forceFailNonTerminal(
    runID: Int64, expectedStatus: RunStatus, reason: ReasonCode, evidence: JSONValue, outcome: RunOutcome,
    by actor: Actor, in connection: any DatabaseConnection
  ) throws -> TransitionResult {
    guard let run = try connection.fetchRunForUpdate(id: runID) else {
      return .refused(Refusal(reason: .notFound))
    }
    if run.status.isTerminal { return .refused(Refusal(reason: .alreadyTerminal, run: run)) }
    guard run.status == expectedStatus else { return .refused(Refusal(reason: .statusChanged, run: run)) }
    let reconciliation = Reconciliation(
      reason: reason, source: actor.source, evidence: evidence, reconciledAt: clock.now())
    let failures = outcome == .failed ? [operatorFailure(reconciliation)] : []
    return try finish(
      run, outcome: outcome, counts: run.summaryCounts, failures: failures, reconciliation: reconciliation,
      action: .runReconciled, actor: actor, in: connection)
  }
}
