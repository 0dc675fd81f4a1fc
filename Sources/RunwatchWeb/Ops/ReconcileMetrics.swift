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
    var yieldedTicks: UInt64 = 0
    var node = ""
    var expectedInterval: TimeInterval?
    var lastProgress: Date?
  }

  private let state = Mutex(State())

  /// Creates zeroed counters.
  public init() {}

  /// This instance's name, a label on its reconcile figures: with several instances on one database, each
  /// `/metrics` says what that instance reconciled (`serve --node-name`).
  public var node: String {
    get { state.withLock { $0.node } }
    set { state.withLock { $0.node = newValue } }
  }

  /// Ticks that found another instance reconciling and left the healing to it.
  public var yieldedTicks: UInt64 { state.withLock { $0.yieldedTicks } }

  /// Counts the applied changes and failed runs of one completed tick.
  public func record(_ result: ReconcileResult, at now: Date = Date()) {
    state.withLock { state in
      for (reason, count) in result.reconciledByReason { state.counts[reason, default: 0] += UInt64(count) }
      if result.yieldedToAnotherInstance { state.yieldedTicks += 1 }
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
      help: "Runs this instance's scheduled reconciler completed as failed, by reason.")
    let node = [("node", snapshot.node)]
    for reason in ReasonCode.allCases {
      text.sample(
        "runwatch_reconciliations_total", labels: node + [("reason", reason.rawValue)],
        value: "\(snapshot.counts[reason] ?? 0)")
    }
    text.family(
      "runwatch_reconcile_run_failures_total", type: "counter",
      help: "Runs this instance's scheduled reconciler could not handle (left as they were, retried later).")
    text.sample("runwatch_reconcile_run_failures_total", labels: node, value: "\(snapshot.runFailures)")
    text.family(
      "runwatch_reconcile_ticks_yielded_total", type: "counter",
      help: "Ticks that left the healing to another instance holding the reconcile lease (shared PostgreSQL)."
    )
    text.sample("runwatch_reconcile_ticks_yielded_total", labels: node, value: "\(snapshot.yieldedTicks)")
    return text.output
  }
}
