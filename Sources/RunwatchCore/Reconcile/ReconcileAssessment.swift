import Foundation

/// Why the assessment decided to leave a run alone.
public enum ReconcileSkipReason: String, Sendable, Equatable {
  /// The run already reached terminal truth; it never changes again.
  case terminal
  /// Its type has no lifecycle policy, so nobody can say it is stale.
  case uncoveredType = "uncovered_type"
  /// Its type opts out of scheduled reconciliation.
  case scheduledReconciliationDisabled = "scheduled_reconciliation_disabled"
  /// It is still within its window and has no terminal linked record.
  case fresh
}

/// A reconciliation the assessment decided on: what to write, and the evidence for it.
public struct ReconcilePlan: Sendable, Equatable {
  /// Reason code.
  public var reason: ReasonCode
  /// Outcome to complete the run with (`failed` for stale runs; the record's outcome for adapter runs).
  public var outcome: RunOutcome
  /// Evidence stored on the run and shown in the change.
  public var evidence: JSONValue
  /// The run as it is.
  public var before: RunSnapshot
  /// The run as it will be once applied.
  public var after: RunSnapshot

  /// The operator sentence for the reason, from the one catalog.
  public var reasonMessage: String {
    ReasonCatalog.describe(
      reason, deadline: evidence["deadline"]?.stringValue.flatMap(StaleDeadlineKind.init)
    )
    .explanation
  }
}

/// The assessment's verdict for one run.
public enum ReconcileDecision: Sendable, Equatable {
  /// Leave the run alone.
  case leaveAlone(ReconcileSkipReason)
  /// Complete the run as planned.
  case reconcile(ReconcilePlan)

  /// The plan, when there is one.
  public var plan: ReconcilePlan? {
    if case .reconcile(let plan) = self { return plan }
    return nil
  }
}

/// Decides, without I/O, whether a run needs reconciling and with what reason and evidence.
public enum ReconcileAssessment {
  /// Assesses `run` under `policy` at `now`, with the store's legitimacy `facts`.
  ///
  /// Uncovered types and types with `scheduled_reconciliation: false` are never touched, whatever their age or
  /// linked record: the policy is the only authority that lets Runwatch finish someone else's run. A terminal
  /// linked record wins over staleness because it carries the real outcome.
  public static func assess(
    _ run: OperationRun, policy: LifecyclePolicy, now: Date, facts: ExecutionLegitimacyFacts
  ) -> ReconcileDecision {
    if run.status.isTerminal { return .leaveAlone(.terminal) }
    guard let typePolicy = policy.types[run.type] else { return .leaveAlone(.uncoveredType) }
    guard typePolicy.scheduledReconciliation else { return .leaveAlone(.scheduledReconciliationDisabled) }
    let freshness = run.freshness(policy: policy, now: now)
    let deadline = run.activeDeadline(policy: policy)
    var evidence: [String: JSONValue] = [
      "evaluated_at": .timestamp(now),
      "freshness_state": .string(freshness.rawValue),
      "threshold_seconds": deadline.map { .number(Double($0.thresholdSeconds)) } ?? .null,
      "reference_time": .timestamp(deadline?.referenceTime ?? run.referenceTime),
      "status": .string(run.status.rawValue),
      "execution_legitimacy": ExecutionLegitimacy(run: run, policy: policy, facts: facts).json,
      "terminal_truth_path": .string(typePolicy.terminalTruthPath.rawValue),
    ]
    let reason: ReasonCode
    let outcome: RunOutcome
    if let record = run.linkedRecord,
      let recordOutcome = LinkedRecordOutcome.outcome(forRecordStatus: record.status)
    {
      reason = .adapterOutOfSync
      outcome = recordOutcome
      evidence["linked_record"] = [
        "kind": .string(record.kind), "external_id": .string(record.externalID),
        "status": .string(record.status),
        "outcome": .string(recordOutcome.rawValue),
      ]
    } else if freshness == .likelyStale {
      reason = run.status == .queued ? .staleQueued : .staleRunning
      outcome = .failed
      if run.status == .running, let deadline {
        evidence["deadline"] = .string(deadline.kind.rawValue)
        evidence["stale_at"] = .timestamp(deadline.at)
      }
    } else {
      return .leaveAlone(.fresh)
    }
    var done = run
    done.status = .completed
    done.outcome = outcome
    done.reconciliation = Reconciliation(
      reason: reason, source: "assessment", evidence: .object(evidence), reconciledAt: now)
    return .reconcile(
      ReconcilePlan(
        reason: reason, outcome: outcome, evidence: .object(evidence),
        before: RunSnapshot(status: run.status, outcome: run.outcome, freshnessState: freshness),
        after: RunSnapshot(
          status: .completed, outcome: outcome, freshnessState: done.freshness(policy: policy, now: now))))
  }
}
