import RunwatchCore

/// Why the lifecycle service refused a transition.
public enum RefusalReason: String, Sendable, Equatable {
  /// No such run.
  case notFound = "not_found"
  /// The run already reached terminal truth; the report was kept as a late report.
  case alreadyTerminal = "already_terminal"
  /// A start for a run that is already running (a duplicate delivery): do not execute it twice.
  case alreadyStarted = "already_started"
  /// A heartbeat for a run that was never started.
  case notStarted = "not_started"
  /// The run's tenant was archived: the work is no longer legitimate.
  case tenantArchived = "tenant_archived"
  /// Another writer changed the run between read and write (the compare-and-set lost).
  case statusChanged = "status_changed"
  /// A queue-failure report for a type whose terminal truth comes only from the reconciler
  /// (`terminal_truth_path: scheduled_only`); the report was kept as a late report.
  case scheduledOnly = "scheduled_only"
  /// An operator's resolution for a run that is not likely stale (it is fresh again: its worker reported).
  case notStale = "not_stale"

  /// One sentence for workers and operators.
  public var message: String {
    switch self {
    case .notFound: "The run does not exist."
    case .alreadyTerminal:
      "The run has already finished; this report was recorded as a late report and did not change it."
    case .alreadyStarted: "The run was already started by another worker; do not execute it again."
    case .notStarted: "The run has not been started; start it before reporting progress."
    case .tenantArchived: "The run's tenant is archived; do not execute this run."
    case .statusChanged: "The run changed while this report was applied; fetch it and decide again."
    case .scheduledOnly:
      "The run's type takes its terminal truth only from the reconciler (terminal_truth_path: scheduled_only); "
        + "this queue failure was recorded as a late report and did not change the run."
    case .notStale:
      "The run is not likely stale any more (its worker reported meanwhile), so it was left as it is."
    }
  }
}

/// A refused transition and the run as it is now.
public struct Refusal: Error, Sendable, Equatable {
  /// Why it was refused.
  public var reason: RefusalReason
  /// The run's current state (nil only when not found).
  public var run: OperationRun?
  /// Id of the late report stored for this refusal, when one was stored.
  public var lateReportID: Int64?
}

/// The result of asking the lifecycle service to change a run.
public enum TransitionResult: Sendable, Equatable {
  /// The change was applied; the run as it is now.
  case applied(OperationRun)
  /// The change was refused.
  case refused(Refusal)

  /// The run after the attempt, when it exists.
  public var run: OperationRun? {
    switch self {
    case .applied(let run): run
    case .refused(let refusal): refusal.run
    }
  }

  /// Whether the change was applied.
  public var isApplied: Bool {
    if case .applied = self { return true }
    return false
  }

  /// The refusal, if refused.
  public var refusal: Refusal? {
    if case .refused(let refusal) = self { return refusal }
    return nil
  }
}

/// A new run as a worker or the CLI requests it.
public struct NewRun: Sendable, Equatable {
  /// Workspace id.
  public var workspaceID: Int64
  /// Tenant id, or nil for a workspace-level run.
  public var tenantID: Int64?
  /// Initiating user id, or nil for a system run.
  public var initiatorUserID: Int64?
  /// Operation type.
  public var type: String
  /// Context object.
  public var context: JSONValue
  /// Optional linked domain record.
  public var linkedRecord: LinkedRecord?

  /// Creates a request.
  public init(
    workspaceID: Int64, tenantID: Int64?, initiatorUserID: Int64?, type: String,
    context: JSONValue = .emptyObject, linkedRecord: LinkedRecord? = nil
  ) {
    self.workspaceID = workspaceID
    self.tenantID = tenantID
    self.initiatorUserID = initiatorUserID
    self.type = type
    self.context = context
    self.linkedRecord = linkedRecord
  }
}

/// A queue's failure callback, bridged into the owning run.
public struct QueueFailureReport: Sendable, Equatable {
  /// What the queue reported.
  public enum Kind: String, Sendable, CaseIterable {
    /// Retries were used up.
    case maxAttempts = "max_attempts"
    /// The job exceeded its timeout.
    case timeout
    /// The job threw.
    case exception
  }

  /// What the queue reported.
  public var kind: Kind
  /// Exception class (diagnostics only).
  public var exceptionClass: String?
  /// Exception message (diagnostics only).
  public var message: String?

  /// Creates a report.
  public init(kind: Kind, exceptionClass: String?, message: String?) {
    self.kind = kind
    self.exceptionClass = exceptionClass
    self.message = message
  }

  /// The reconciliation reason this kind maps to.
  public var reason: ReasonCode {
    kind == .timeout ? .infrastructureTimeoutOrAbandonment : .queueFailureBridge
  }
}
