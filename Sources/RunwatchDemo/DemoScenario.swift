import Foundation
import RunwatchCore
import RunwatchStore

/// What happens to one rich demo run over its life. Every freshness state, outcome and reason code of the
/// product appears in at least one scenario of `DemoScenario.required`.
enum DemoScenario: Hashable, Sendable {
  /// Worker finished it normally with `outcome`; `fromQueue` means it was completed before it ever started.
  case finished(RunOutcome, fromQueue: Bool)
  /// Queued, within its window at the end of the seed.
  case freshQueued
  /// Running and heartbeating, within its window at the end of the seed.
  case freshRunning
  /// Queued past its window at the end; the reconciler has not seen it yet.
  case staleQueuedNow
  /// Running but silent past its window at the end; the reconciler has not seen it yet.
  case staleRunningNow
  /// Never started; reconciled as `run.stale_queued`.
  case reconciledQueued
  /// Worker died mid-run; reconciled as `run.stale_running`.
  case reconciledRunning
  /// Like `reconciledRunning`, then the worker came back and reported: refused and kept as late reports.
  case lateReport
  /// The queue reported the job failed (timeout → abandonment reason; others → bridge reason).
  case queueFailure(QueueFailureReport.Kind)
  /// A linked restore record reached `recordStatus` first; reconciled as `run.adapter_out_of_sync`.
  case adapter(recordStatus: String)
  /// A run of a type the reconciler leaves alone (restores, in the demo policy) went silent; a manager marked it
  /// failed by hand with a note: `run.resolved_by_operator`.
  case resolvedByOperator
  /// Queued for a tenant that was archived before a worker picked it up: start refused, later reconciled.
  case archivedTenantStart
  /// An active run of the uncovered type: freshness `unknown`, never reconciled.
  case uncoveredActive(running: Bool)
  /// A finished run of the uncovered type.
  case uncoveredFinished

  /// Whether the run is still active when the seed ends.
  var endsActive: Bool {
    switch self {
    case .freshQueued, .freshRunning, .staleQueuedNow, .staleRunningNow, .uncoveredActive: true
    default: false
    }
  }

  /// Whether this scenario plays out in the older part of the history (it involves a reconcile tick, which
  /// must happen before any run that should still be fresh or merely likely stale at the end was created).
  var isHistorical: Bool {
    switch self {
    case .reconciledQueued, .reconciledRunning, .lateReport, .queueFailure, .adapter, .archivedTenantStart,
      .resolvedByOperator:
      true
    default: false
    }
  }

  /// The scenarios every seed contains at least once, whatever its size: each freshness state, each outcome,
  /// each reason code, late reports, the archived tenant and the uncovered type.
  static let required: [DemoScenario] =
    [
      .finished(.succeeded, fromQueue: false), .finished(.partiallySucceeded, fromQueue: false),
      .finished(.blocked, fromQueue: false), .finished(.failed, fromQueue: false),
      .finished(.cancelled, fromQueue: true), .finished(.cancelled, fromQueue: false),
      .freshQueued, .freshQueued, .freshQueued, .freshRunning, .freshRunning, .freshRunning, .freshRunning,
      .staleQueuedNow, .staleQueuedNow, .staleRunningNow, .staleRunningNow,
      .reconciledQueued, .reconciledQueued, .reconciledRunning, .reconciledRunning,
      .lateReport, .lateReport,
      .queueFailure(.timeout), .queueFailure(.maxAttempts), .queueFailure(.exception),
      .adapter(recordStatus: "failed"), .adapter(recordStatus: "succeeded"),
      .archivedTenantStart, .resolvedByOperator,
      .uncoveredActive(running: false), .uncoveredActive(running: true), .uncoveredFinished,
    ]

  /// The mix the rest of the rich set is drawn from: mostly healthy, finished runs.
  static let mix: [(scenario: DemoScenario, weight: Double)] = [
    (.finished(.succeeded, fromQueue: false), 60), (.finished(.partiallySucceeded, fromQueue: false), 8),
    (.finished(.failed, fromQueue: false), 5), (.finished(.blocked, fromQueue: false), 1.5),
    (.finished(.cancelled, fromQueue: true), 1.5), (.freshQueued, 2.5), (.freshRunning, 3.5),
    (.staleQueuedNow, 0.7), (.staleRunningNow, 1), (.reconciledQueued, 2), (.reconciledRunning, 3),
    (.lateReport, 0.8), (.queueFailure(.timeout), 1), (.queueFailure(.maxAttempts), 1),
    (.queueFailure(.exception), 1.5), (.adapter(recordStatus: "failed"), 0.7),
    (.uncoveredActive(running: true), 0.5), (.uncoveredFinished, 2),
  ]
}
