import Foundation
import Prometheus
import RunwatchCore
import RunwatchStore

/// Terminal transitions, late reports and run durations, by type, in a Prometheus registry of their own: the
/// lifecycle service tells it of every committed transition (workers, the queue's bridge, operators) and the
/// reconcile loop of every run it healed. Types outside the policy are counted as `other`, so a worker
/// inventing types cannot grow the exposition without bound.
public final class TransitionMetrics: LifecycleObserver, Sendable {
  /// Where the metrics live; `/metrics` emits it.
  public let registry = PrometheusCollectorRegistry()
  private let coveredTypes: Set<String>

  static var transitions: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_run_transitions", unitName: "total",
      helpText:
        "Runs this instance saw finish (worker, queue bridge, operator or reconciler), by type and outcome.")
  }
  static var lateReports: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_late_reports", unitName: "total",
      helpText: "Reports refused because their run had already finished, kept as late reports, by type.")
  }
  static var duration: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_run_duration", unitName: "seconds",
      helpText:
        "From start (or creation) to completion of runs finished through the lifecycle service, by type.")
  }
  /// Run durations worth telling apart: a second to a day.
  static let durationBuckets: [Duration] = [
    1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 21_600, 86_400,
  ]
  .map { .seconds($0) }

  /// Metrics for runs of `policy`'s types.
  public init(policy: LifecyclePolicy = .builtIn) {
    coveredTypes = Set(policy.types.keys)
  }

  /// The `type` label for `type`: itself when the policy covers it, `other` otherwise.
  func typeLabel(_ type: String) -> String { coveredTypes.contains(type) ? type : "other" }

  public func committed(_ result: TransitionResult) {
    switch result {
    case .applied(let run):
      guard run.status.isTerminal else { return }
      finished(type: run.type, outcome: run.outcome)
      if let completedAt = run.completedAt {
        let seconds = max(0, completedAt.timeIntervalSince(run.startedAt ?? run.createdAt))
        registry.makeDurationHistogram(
          descriptor: Self.duration, labels: [("type", typeLabel(run.type))], buckets: Self.durationBuckets
        ).record(.milliseconds(Int64(seconds * 1_000)))
      }
    case .refused(let refusal):
      guard refusal.lateReportID != nil, let run = refusal.run else { return }
      registry.makeCounter(descriptor: Self.lateReports, labels: [("type", typeLabel(run.type))]).increment()
    }
  }

  /// Counts the runs a reconcile tick completed.
  public func reconciled(_ result: ReconcileResult) {
    for (kind, count) in result.reconciledByKind {
      finished(type: kind.type, outcome: kind.outcome, count: count)
    }
  }

  private func finished(type: String, outcome: RunOutcome, count: Int = 1) {
    registry.makeCounter(
      descriptor: Self.transitions, labels: [("type", typeLabel(type)), ("outcome", outcome.rawValue)]
    ).increment(by: Int64(count))
  }
}
