/// The one catalog of reconciliation wording, used by pages, API, CLI and notifications.
/// Plain operator language only; exception classes and messages belong to diagnostics.
public enum ReasonCatalog {
  /// The description of a reconciliation record, with the deadline its evidence says fired.
  public static func describe(_ reconciliation: Reconciliation) -> ReasonDescription {
    describe(reconciliation.reason, deadline: reconciliation.deadline)
  }

  /// The description for `code`. `run.stale_running` has one wording per deadline that fired: `heartbeat`
  /// (stopped reporting) or, by default, `max_runtime` (ran past its ceiling — the only deadline runs had
  /// before heartbeat windows, so records without a deadline read that way too).
  public static func describe(_ code: ReasonCode, deadline: StaleDeadlineKind? = nil) -> ReasonDescription {
    switch code {
    case .staleQueued:
      ReasonDescription(
        code: code, label: "Never started",
        explanation:
          "The run waited in the queue longer than its allowed window without any worker picking it up, so Runwatch marked it failed.",
        actionability: .retryableTransient,
        nextSteps: [
          "Check that workers are running and consuming this run's queue.",
          "Start the operation again once the queue is healthy.",
        ])
    case .staleRunning where deadline == .heartbeat:
      ReasonDescription(
        code: code, label: "Stopped reporting progress",
        explanation:
          "The worker started this run but then sent no heartbeat for longer than its heartbeat window, so Runwatch marked it failed.",
        actionability: .retryableTransient,
        nextSteps: [
          "Check the worker's logs around the last report time for a crash, restart or deploy.",
          "Start the operation again; partial work from this run may need review.",
        ])
    case .staleRunning:
      ReasonDescription(
        code: code, label: "Ran past its longest allowed time",
        explanation:
          "The run was still marked running when it reached its maximum runtime, so Runwatch marked it failed: its worker died or hung, or the work takes longer than the lifecycle policy allows.",
        actionability: .needsInvestigation,
        nextSteps: [
          "Check the worker's logs for a crash, a restart or a job that hung.",
          "If the work is legitimately this slow, raise its maximum runtime (running_stale_after_seconds) and job timeout in the lifecycle policy together.",
          "Start the operation again; partial work from this run may need review.",
        ])
    case .infrastructureTimeoutOrAbandonment:
      ReasonDescription(
        code: code, label: "Timed out by the queue",
        explanation:
          "The job queue stopped this run because it exceeded its time limit, before the worker could record a result.",
        actionability: .needsInvestigation,
        nextSteps: [
          "Compare the run's duration with its expected runtime and job timeout.",
          "If the work is legitimately slow, raise the timeout in the lifecycle policy and queue settings together.",
          "Start the operation again.",
        ])
    case .queueFailureBridge:
      ReasonDescription(
        code: code, label: "Failed in the queue",
        explanation:
          "The job queue gave up on this run after its retries were used up or an error stopped it, and reported that to Runwatch.",
        actionability: .retryableTransient,
        nextSteps: [
          "Open the diagnostics below for the error the queue reported.",
          "Fix the cause if it is not transient, then start the operation again.",
        ])
    case .adapterOutOfSync:
      ReasonDescription(
        code: code, label: "Brought in line with its record",
        explanation:
          "The record this run works on had already finished, so Runwatch completed the run to match it.",
        actionability: .nonActionable,
        nextSteps: [
          "Review the linked record before deciding whether to run the operation again."
        ])
    case .resolvedByOperator:
      ReasonDescription(
        code: code, label: "Resolved by an operator",
        explanation:
          "The run had stopped making progress and nothing would finish it on its own, so an operator marked it failed; their note says why.",
        actionability: .needsInvestigation,
        nextSteps: [
          "Read the operator's note below and check the work this run was doing before running it again.",
          "If runs of this type get stuck often, give it a heartbeat window or scheduled reconciliation in the lifecycle policy.",
        ])
    }
  }

  /// Descriptions of every code (and of both `run.stale_running` deadlines), in catalog order.
  public static var all: [ReasonDescription] {
    ReasonCode.allCases.flatMap { code in
      code == .staleRunning
        ? [describe(code, deadline: .maxRuntime), describe(code, deadline: .heartbeat)] : [describe(code)]
    }
  }
}
