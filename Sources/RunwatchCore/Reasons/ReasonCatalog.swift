/// The one catalog of reconciliation wording, used by pages, API, CLI and notifications.
/// Plain operator language only; exception classes and messages belong to diagnostics.
public enum ReasonCatalog {
  /// The description for `code`.
  public static func describe(_ code: ReasonCode) -> ReasonDescription {
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
    case .staleRunning:
      ReasonDescription(
        code: code, label: "Stopped reporting progress",
        explanation:
          "The worker started this run but stopped reporting before its allowed window ran out, so Runwatch marked it failed.",
        actionability: .retryableTransient,
        nextSteps: [
          "Check the worker's logs around the last report time for a crash, restart or deploy.",
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
    }
  }

  /// Descriptions of every code, in catalog order.
  public static var all: [ReasonDescription] { ReasonCode.allCases.map(describe) }
}
