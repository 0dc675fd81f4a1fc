import RunwatchCore
import RunwatchStore
import Synchronization

/// Reconciliations this process's loop performed, by reason, fed by `ReconcileLoop`'s tick callback.
public final class ReconcileMetrics: Sendable {
  private let counts = Mutex([ReasonCode: UInt64]())

  /// Creates zeroed counters.
  public init() {}

  /// Counts the applied changes of one tick.
  public func record(_ result: ReconcileResult) {
    counts.withLock { counts in
      for change in result.changes where change.applied { counts[change.reasonCode, default: 0] += 1 }
    }
  }

  /// The count for `reason`.
  public func count(for reason: ReasonCode) -> UInt64 { counts.withLock { $0[reason] ?? 0 } }

  /// The Prometheus text; every reason appears, zero included, so rates work from the first scrape.
  func exposition() -> String {
    let snapshot = counts.withLock { $0 }
    var text = PrometheusText()
    text.family(
      "runwatch_reconciliations_total", type: "counter",
      help: "Runs the scheduled reconciler completed as failed, by reason.")
    for reason in ReasonCode.allCases {
      text.sample(
        "runwatch_reconciliations_total", labels: [("reason", reason.rawValue)],
        value: "\(snapshot[reason] ?? 0)")
    }
    return text.output
  }
}
