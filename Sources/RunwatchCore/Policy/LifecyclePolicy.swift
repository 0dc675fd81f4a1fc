/// Which paths can deliver a covered type's terminal truth.
public enum TerminalTruthPath: String, Sendable, CaseIterable, Codable {
  /// The job's own failure callback (the queue-failure bridge) and the scheduled reconciler.
  case directAndScheduled = "direct_and_scheduled"
  /// Only the scheduled reconciler.
  case scheduledOnly = "scheduled_only"
}

/// Queue settings that bound job timeouts.
public struct QueuePolicy: Sendable, Equatable {
  /// Seconds after which the queue hands a reserved job to another worker.
  public var retryAfterSeconds: Int

  /// Creates queue settings.
  public init(retryAfterSeconds: Int) { self.retryAfterSeconds = retryAfterSeconds }
}

/// Reconcile-loop settings.
public struct ReconcileSettings: Sendable, Equatable {
  /// Seconds between reconcile ticks inside `serve`.
  public var intervalSeconds: Int
  /// Maximum runs reconciled per tick (1–500).
  public var batchLimit: Int

  /// Creates reconcile settings.
  public init(intervalSeconds: Int, batchLimit: Int) {
    self.intervalSeconds = intervalSeconds
    self.batchLimit = batchLimit
  }
}

/// Lifecycle rules for one covered operation type.
public struct RunTypePolicy: Sendable, Equatable {
  /// Queue the type's jobs run on (its `retry_after` applies).
  public var queue: String
  /// Seconds a run may stay queued before it counts as stale.
  public var queuedStaleAfterSeconds: Int
  /// Seconds a run may stay running (from `started_at`) before it counts as stale: its maximum runtime.
  public var runningStaleAfterSeconds: Int
  /// Seconds a running run may go without a heartbeat (from its last one, or from `started_at` before the
  /// first) before it counts as stale; `nil` when the type has no heartbeat deadline.
  public var heartbeatTimeoutSeconds: Int?
  /// Seconds a healthy run normally takes.
  public var expectedRuntimeSeconds: Int
  /// Seconds after which the worker kills the job.
  public var jobTimeoutSeconds: Int
  /// Which paths deliver terminal truth.
  public var terminalTruthPath: TerminalTruthPath
  /// Whether the scheduled reconciler may heal this type.
  public var scheduledReconciliation: Bool
  /// Capability needed to view runs of this type.
  public var capability: String

  /// Creates the rules for one type.
  public init(
    queue: String, queuedStaleAfterSeconds: Int, runningStaleAfterSeconds: Int, expectedRuntimeSeconds: Int,
    jobTimeoutSeconds: Int, terminalTruthPath: TerminalTruthPath, scheduledReconciliation: Bool,
    capability: String, heartbeatTimeoutSeconds: Int? = nil
  ) {
    self.queue = queue
    self.queuedStaleAfterSeconds = queuedStaleAfterSeconds
    self.runningStaleAfterSeconds = runningStaleAfterSeconds
    self.expectedRuntimeSeconds = expectedRuntimeSeconds
    self.jobTimeoutSeconds = jobTimeoutSeconds
    self.terminalTruthPath = terminalTruthPath
    self.scheduledReconciliation = scheduledReconciliation
    self.capability = capability
    self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
  }
}

/// The whole lifecycle policy: which types are covered and how long each may take.
public struct LifecyclePolicy: Sendable, Equatable {
  /// Seconds kept between a job's timeout and its queue's `retry_after`.
  public var safetyMarginSeconds: Int
  /// Queues by name.
  public var queues: [String: QueuePolicy]
  /// Reconcile-loop settings.
  public var reconcile: ReconcileSettings
  /// Covered types by name.
  public var types: [String: RunTypePolicy]

  /// Creates a policy. Call `LifecyclePolicyValidator.violations(in:)` before trusting it.
  public init(
    safetyMarginSeconds: Int, queues: [String: QueuePolicy], reconcile: ReconcileSettings,
    types: [String: RunTypePolicy]
  ) {
    self.safetyMarginSeconds = safetyMarginSeconds
    self.queues = queues
    self.reconcile = reconcile
    self.types = types
  }

  /// Whether `type` has lifecycle rules.
  public func covers(_ type: String) -> Bool { types[type] != nil }

  /// Covered types the scheduled reconciler may heal, sorted.
  public var reconcilableTypes: [String] {
    types.filter { $0.value.scheduledReconciliation }.keys.sorted()
  }

  /// Capability needed to view a run of `type`; uncovered types need only `operations.view`.
  public func capability(for type: String) -> String {
    types[type]?.capability ?? "operations.view"
  }
}
