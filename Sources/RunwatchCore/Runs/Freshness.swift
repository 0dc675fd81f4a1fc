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

/// Which of a run's deadlines decides when it turns likely stale.
public enum StaleDeadlineKind: String, Sendable, CaseIterable, Codable {
  /// A queued run's wait for a worker (`queued_stale_after_seconds` from `created_at`).
  case queueWait = "queue_wait"
  /// A running run's hard ceiling (`running_stale_after_seconds` from `started_at`).
  case maxRuntime = "max_runtime"
  /// A running run's allowed silence (`heartbeat_timeout_seconds` from its last heartbeat).
  case heartbeat
}

/// One deadline of an active run: what it measures, from when, for how long, and when it passes.
public struct StaleDeadline: Sendable, Equatable {
  /// Which deadline this is.
  public var kind: StaleDeadlineKind
  /// The instant it counts from.
  public var referenceTime: Date
  /// Its length in seconds.
  public var thresholdSeconds: Int

  /// Creates a deadline.
  public init(kind: StaleDeadlineKind, referenceTime: Date, thresholdSeconds: Int) {
    self.kind = kind
    self.referenceTime = referenceTime
    self.thresholdSeconds = thresholdSeconds
  }

  /// When it passes.
  public var at: Date { referenceTime.addingTimeInterval(TimeInterval(thresholdSeconds)) }
}

extension OperationRun {
  /// The deadline that decides this run's freshness: for a queued run its queue wait; for a running run the
  /// earlier of its maximum runtime and (when the type has a heartbeat window) its heartbeat silence — on a
  /// tie, the maximum runtime. `nil` when the run is terminal or its type has no policy.
  public func activeDeadline(policy: LifecyclePolicy) -> StaleDeadline? {
    guard let rules = policy.types[type] else { return nil }
    switch status {
    case .completed:
      return nil
    case .queued:
      return StaleDeadline(
        kind: .queueWait, referenceTime: createdAt, thresholdSeconds: rules.queuedStaleAfterSeconds)
    case .running:
      let ceiling = StaleDeadline(
        kind: .maxRuntime, referenceTime: referenceTime, thresholdSeconds: rules.runningStaleAfterSeconds)
      guard let window = rules.heartbeatTimeoutSeconds else { return ceiling }
      let silence = StaleDeadline(
        kind: .heartbeat, referenceTime: lastHeartbeatAt ?? referenceTime, thresholdSeconds: window)
      return silence.at < ceiling.at ? silence : ceiling
    }
  }

  /// The instant after which this run counts as likely stale (`activeDeadline(policy:)`'s), or `nil` when it
  /// is terminal or its type has no policy. The store keeps this as `stale_at` so freshness filters and the
  /// reconciler use an index.
  public func staleDeadline(policy: LifecyclePolicy) -> Date? {
    activeDeadline(policy: policy)?.at
  }

  /// The one freshness derivation used by pages, API, CLI and reconciler.
  public func freshness(policy: LifecyclePolicy, now: Date) -> Freshness {
    Freshness.derive(
      status: status, outcome: outcome, isReconciled: reconciliation != nil,
      staleAt: status.isTerminal ? nil : staleDeadline(policy: policy), now: now)
  }
}

extension Freshness {
  /// Freshness from a run's status, outcome, whether it was reconciled and its deadline (`activeDeadline`'s
  /// instant, or the stored `stale_at` that the store keeps equal to it): the rule behind
  /// `OperationRun.freshness(policy:now:)` and the SQL of the freshness filters.
  public static func derive(
    status: RunStatus, outcome: RunOutcome, isReconciled: Bool, staleAt: Date?, now: Date
  ) -> Freshness {
    if status.isTerminal { return isReconciled && outcome == .failed ? .reconciledFailed : .terminalNormal }
    guard let staleAt else { return .unknown }
    return now >= staleAt ? .likelyStale : .freshActive
  }
}
