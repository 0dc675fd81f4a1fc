/// Stable reconciliation reason codes. Stored, exposed in the API and carried by `data-reason-code`.
public enum ReasonCode: String, Sendable, CaseIterable, Codable {
  /// Never started within its window.
  case staleQueued = "run.stale_queued"
  /// Stopped reporting within its window.
  case staleRunning = "run.stale_running"
  /// The queue timed the job out or abandoned it.
  case infrastructureTimeoutOrAbandonment = "run.infrastructure_timeout_or_abandonment"
  /// The queue reported the job failed (attempts exhausted, exception).
  case queueFailureBridge = "run.queue_failure_bridge"
  /// A linked domain record reached a terminal state first.
  case adapterOutOfSync = "run.adapter_out_of_sync"
  /// An operator marked a likely-stale run failed by hand, with a note (`operations.resolve`).
  case resolvedByOperator = "run.resolved_by_operator"
}

/// Whether an operator can do something about a reconciled run.
public enum Actionability: String, Sendable, Codable {
  /// Likely transient: check the workers, then run it again.
  case retryableTransient = "retryable_transient"
  /// Needs a person to look at configuration or data before retrying.
  case needsInvestigation = "needs_investigation"
  /// Nothing to do: the run's record was only brought in line with reality.
  case nonActionable = "non_actionable"
}

/// Operator-facing words for one reason code.
public struct ReasonDescription: Sendable, Equatable {
  /// The code this describes.
  public var code: ReasonCode
  /// Short label for badges and headings.
  public var label: String
  /// One sentence: what happened.
  public var explanation: String
  /// What kind of follow-up it needs.
  public var actionability: Actionability
  /// What to do next, in order.
  public var nextSteps: [String]
}
