import Foundation
import Prometheus
import RunwatchCore
import RunwatchStore
import Synchronization

/// Reconciliations this process's loop performed, by reason, and runs it could not handle, fed by
/// `ReconcileLoop`'s tick callback; also when the last tick completed, for `/readyz`.
public final class ReconcileMetrics: Sendable {
  private struct State {
    var counts: [ReasonCode: UInt64] = [:]
    var registered = false
    var runFailures: UInt64 = 0
    var yieldedTicks: UInt64 = 0
    var node = ""
    var expectedInterval: TimeInterval?
    var lastProgress: Date?
  }

  private let state = Mutex(State())

  /// Metrics of a reconciler healing `policy`'s types.
  public init(policy: LifecyclePolicy = .builtIn) {
    coveredTypes = Set(policy.types.keys)
  }

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
    let node = state.withLock { state in
      for (reason, count) in result.reconciledByReason { state.counts[reason, default: 0] += UInt64(count) }
      if result.yieldedToAnotherInstance { state.yieldedTicks += 1 }
      state.runFailures += UInt64(result.failed)
      state.lastProgress = now
      return state.node
    }
    registerBaseline(node: node)
    for (kind, count) in result.reconciledByKind {
      registry.makeCounter(
        descriptor: Self.reconciliations,
        labels: [("node", node), ("type", typeLabel(kind.type)), ("reason", kind.reason.rawValue)]
      ).increment(by: Int64(count))
    }
    if result.failed > 0 {
      registry.makeCounter(descriptor: Self.runFailuresDescriptor, labels: [("node", node)])
        .increment(by: Int64(result.failed))
    }
    if result.yieldedToAnotherInstance {
      registry.makeCounter(descriptor: Self.yieldedDescriptor, labels: [("node", node)]).increment()
    }
  }

  /// Where the reconcile metrics live (swift-prometheus); `/metrics` emits it.
  public let registry = PrometheusCollectorRegistry()
  private let coveredTypes: Set<String>

  static var reconciliations: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_reconciliations", unitName: "total",
      helpText: "Runs this instance's scheduled reconciler completed, by type and reason.")
  }
  static var runFailuresDescriptor: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_reconcile_run_failures", unitName: "total",
      helpText:
        "Runs this instance's scheduled reconciler could not handle (left as they were, retried later).")
  }
  static var yieldedDescriptor: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_reconcile_ticks_yielded", unitName: "total",
      helpText:
        "Ticks that left the healing to another instance holding the reconcile lease (shared PostgreSQL).")
  }

  /// The `type` label: the type when the policy covers it, `other` otherwise (bounded labels).
  func typeLabel(_ type: String) -> String { coveredTypes.contains(type) ? type : "other" }

  /// The node's zero-valued series, so a dashboard sees every counter from the first scrape.
  private func registerBaseline(node: String) {
    let first = state.withLock { state in
      defer { state.registered = true }
      return !state.registered
    }
    guard first else { return }
    _ = registry.makeCounter(descriptor: Self.runFailuresDescriptor, labels: [("node", node)])
    _ = registry.makeCounter(descriptor: Self.yieldedDescriptor, labels: [("node", node)])
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
    registerBaseline(node: node)
    return registry.emitToString()
  }
}
