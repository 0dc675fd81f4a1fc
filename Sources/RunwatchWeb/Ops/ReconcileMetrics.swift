import Foundation
import RunwatchCore
import RunwatchStore
import Synchronization

/// Reconciliations this process's loop performed, by reason, and runs it could not handle, fed by
/// `ReconcileLoop`'s tick callback; also when the last tick completed, for `/readyz`.
public final class ReconcileMetrics: Sendable {
  private struct State {
    var counts: [ReasonCode: UInt64] = [:]
    var runFailures: UInt64 = 0
    var expectedInterval: TimeInterval?
    var lastProgress: Date?
  }

  private let state = Mutex(State())

  /// Creates zeroed counters.
  public init() {}

  /// Counts the applied changes and failed runs of one completed tick.
  public func record(_ result: ReconcileResult, at now: Date = Date()) {
    state.withLock { state in
      for change in result.changes where change.applied { state.counts[change.reasonCode, default: 0] += 1 }
      state.runFailures += UInt64(result.failed)
      state.lastProgress = now
    }
  }

  /// Tells readiness that a loop ticking every `interval` seconds has started at `now`: from then on a loop that
  /// has not completed a tick for `ReconcileMetrics.stalledAfterIntervals` intervals makes `/readyz` fail.
  public func expectTicks(every interval: TimeInterval, from now: Date = Date()) {
    state.withLock { state in
      state.expectedInterval = interval
      if state.lastProgress == nil { state.lastProgress = now }
    }
  }

  /// Intervals without a completed tick after which the loop counts as stalled.
  public static let stalledAfterIntervals = 3.0

  /// Seconds since the loop last completed a tick, when that is past `stalledAfterIntervals` intervals; nil
  /// when it is keeping up or no loop was announced.
  public func stalledSeconds(at now: Date = Date()) -> TimeInterval? {
    state.withLock { state in
      guard let interval = state.expectedInterval, let last = state.lastProgress else { return nil }
      let quiet = now.timeIntervalSince(last)
      return quiet > interval * Self.stalledAfterIntervals ? quiet : nil
    }
  }

  /// The count for `reason`.
  public func count(for reason: ReasonCode) -> UInt64 { state.withLock { $0.counts[reason] ?? 0 } }

  /// Runs the loop could not handle (each one is then left out for a while, so it counts about once).
  public var runFailures: UInt64 { state.withLock { $0.runFailures } }

  /// The Prometheus text; every reason appears, zero included, so rates work from the first scrape.
  func exposition() -> String {
    let snapshot = state.withLock { $0 }
    var text = PrometheusText()
    text.family(
      "runwatch_reconciliations_total", type: "counter",
      help: "Runs the scheduled reconciler completed as failed, by reason.")
    for reason in ReasonCode.allCases {
      text.sample(
        "runwatch_reconciliations_total", labels: [("reason", reason.rawValue)],
        value: "\(snapshot.counts[reason] ?? 0)")
    }
    text.family(
      "runwatch_reconcile_run_failures_total", type: "counter",
      help: "Runs the scheduled reconciler could not handle (left as they were, retried later).")
    text.sample("runwatch_reconcile_run_failures_total", labels: [], value: "\(snapshot.runFailures)")
    return text.output
  }
}
