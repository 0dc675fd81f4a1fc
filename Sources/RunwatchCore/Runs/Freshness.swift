import Foundation

/// How much to trust what a run's status says. Derived from status, reconciliation, policy and the clock —
/// never stored as a status.
public enum Freshness: String, Sendable, CaseIterable, Codable {
  /// Active and within its policy window.
  case freshActive = "fresh_active"
  /// Active but past its window: the worker has probably died.
  case likelyStale = "likely_stale"
  /// Completed as failed by reconciliation (not by its worker).
  case reconciledFailed = "reconciled_failed"
  /// Completed the normal way.
  case terminalNormal = "terminal_normal"
  /// Active, but its type has no lifecycle policy, so nobody can say.
  case unknown
}

extension OperationRun {
  /// The deadline after which this run counts as likely stale, or `nil` when it is terminal or its type
  /// has no policy. The store keeps this as `stale_at` so freshness filters and the reconciler use an index.
  public func staleDeadline(policy: LifecyclePolicy) -> Date? {
    guard let typePolicy = policy.types[type] else { return nil }
    switch status {
    case .completed: return nil
    case .queued: return referenceTime.addingTimeInterval(TimeInterval(typePolicy.queuedStaleAfterSeconds))
    case .running: return referenceTime.addingTimeInterval(TimeInterval(typePolicy.runningStaleAfterSeconds))
    }
  }

  /// The one freshness derivation used by pages, API, CLI and reconciler.
  public func freshness(policy: LifecyclePolicy, now: Date) -> Freshness {
    if status.isTerminal {
      return reconciliation != nil && outcome == .failed ? .reconciledFailed : .terminalNormal
    }
    guard let deadline = staleDeadline(policy: policy) else { return .unknown }
    return now >= deadline ? .likelyStale : .freshActive
  }

  /// Seconds this run is allowed in its current active status by policy, or `nil` when not applicable.
  public func staleThresholdSeconds(policy: LifecyclePolicy) -> Int? {
    guard let typePolicy = policy.types[type] else { return nil }
    switch status {
    case .queued: return typePolicy.queuedStaleAfterSeconds
    case .running: return typePolicy.runningStaleAfterSeconds
    case .completed: return nil
    }
  }
}
