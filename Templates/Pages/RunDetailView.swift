import Foundation
import RunwatchCore

/// A report that arrived after the run reached terminal truth, as shown on the run page.
public struct LateReportItem: Sendable, Equatable {
  /// Late report id.
  public var id: Int64
  /// When it arrived.
  public var receivedAt: Date
  /// What was attempted: `start`, `heartbeat`, `complete`, `queue_failure`.
  public var kind: String
  /// Who sent it.
  public var reporter: String
  /// What it said.
  public var payload: JSONValue

  /// Creates a late report item.
  public init(id: Int64, receivedAt: Date, kind: String, reporter: String, payload: JSONValue) {
    self.id = id
    self.receivedAt = receivedAt
    self.kind = kind
    self.reporter = reporter
    self.payload = payload
  }
}

/// An audit event listed on a run page or in the audit log.
public struct AuditEventItem: Sendable, Equatable {
  /// Event id (the `/audit?event=<id>` parameter).
  public var id: Int64
  /// Action code (`run.reconciled`).
  public var action: String
  /// Who did it, in words (`Scheduled reconciler`, `ada@example.com`, `worker token "fleet-1"`).
  public var actorLabel: String
  /// Kind of actor (`user`, `system`, `token`).
  public var actorKind: String
  /// Where it came from (`scheduled_reconciler`, `api`, `cli`).
  public var source: String
  /// When it happened.
  public var createdAt: Date
  /// The run it concerns, if any.
  public var runID: Int64?
  /// Event metadata (`before`/`after` snapshots, evidence…).
  public var metadata: JSONValue

  /// Creates an audit event item.
  public init(
    id: Int64, action: String, actorLabel: String, actorKind: String, source: String, createdAt: Date,
    runID: Int64?, metadata: JSONValue
  ) {
    self.id = id
    self.action = action
    self.actorLabel = actorLabel
    self.actorKind = actorKind
    self.source = source
    self.createdAt = createdAt
    self.runID = runID
    self.metadata = metadata
  }

  /// Operator words for an action code; unknown codes are shown as they are.
  public static func label(for action: String) -> String {
    switch action {
    case "run.created": "Run created"
    case "run.started": "Started"
    case "run.completed": "Completed"
    case "run.reconciled": "Reconciled"
    case "run.resolved": "Marked failed by hand"
    case "run.queue_failure_bridged": "Queue failure recorded"
    case "run.late_report_refused": "Late report refused"
    case "run.start_refused": "Start refused"
    default: action
    }
  }
}

/// Everything the run detail page shows.
public struct RunDetailView: Sendable, Equatable {
  /// The run as stored.
  public var run: OperationRun
  /// Freshness at render time.
  public var freshness: Freshness
  /// Tenant name; `nil` for workspace-level runs.
  public var tenantName: String?
  /// Initiator's display name; `nil` for system runs.
  public var initiatorName: String?
  /// The type's expected runtime; `nil` when the type is not covered by the policy.
  public var expectedRuntimeSeconds: Int?
  /// The deadline that decides an active run's freshness (`activeDeadline(policy:)`); `nil` for terminal runs
  /// and uncovered types.
  public var deadline: StaleDeadline?
  /// Whether the reconcile loop heals this run's type, and how often it runs.
  public var healing: LifecycleExplanation.Healing
  /// Late reports, oldest first.
  public var lateReports: [LateReportItem]
  /// Audit events about this run, newest first.
  public var auditEvents: [AuditEventItem]
  /// The clock reading used for relative times.
  public var now: Date
  /// Whether the viewer may mark this run failed by hand (`operations.resolve`; offered while likely stale).
  public var canResolve = false

  /// Creates the view.
  public init(
    run: OperationRun, freshness: Freshness, tenantName: String?, initiatorName: String?,
    expectedRuntimeSeconds: Int?, deadline: StaleDeadline?, healing: LifecycleExplanation.Healing,
    lateReports: [LateReportItem], auditEvents: [AuditEventItem], now: Date
  ) {
    self.run = run
    self.freshness = freshness
    self.tenantName = tenantName
    self.initiatorName = initiatorName
    self.expectedRuntimeSeconds = expectedRuntimeSeconds
    self.deadline = deadline
    self.healing = healing
    self.lateReports = lateReports
    self.auditEvents = auditEvents
    self.now = now
  }

  /// The lifecycle explanation this run needs: reconciled runs explain their reason; likely-stale runs
  /// explain the reason they are about to get; everything else needs none.
  public var lifecycleExplanation: LifecycleExplanation? {
    if let reconciliation = run.reconciliation {
      let evidence = reconciliation.evidence
      let note = evidence["note"]?.stringValue.map { note in
        (name: evidence["resolved_by"]?["name"]?.stringValue ?? "an operator", note: note)
      }
      return LifecycleExplanation(
        reason: reconciliation.reason, deadline: reconciliation.deadline,
        situation: .reconciled(at: reconciliation.reconciledAt, source: reconciliation.source),
        operatorNote: reconciliation.reason == .resolvedByOperator ? note : nil)
    }
    guard freshness == .likelyStale, let deadline else { return nil }
    let running = run.status == .running
    return LifecycleExplanation(
      reason: running ? .staleRunning : .staleQueued, deadline: running ? deadline.kind : nil,
      situation: .likelyStale(deadline: deadline, healing: healing),
      resolvePath: canResolve ? run.canonicalPath + "/resolve" : nil)
  }
}
