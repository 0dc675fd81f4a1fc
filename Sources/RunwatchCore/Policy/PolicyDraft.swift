/// A policy as read from a file, where any value may be missing because it was absent or malformed.
/// Validation runs on drafts so a file with a typo still gets every other rule checked in the same pass.
struct PolicyDraft: Equatable {
  /// A queue's settings as read.
  struct Queue: Equatable {
    var retryAfterSeconds: Int?
  }

  /// One type's settings as read.
  struct TypeRules: Equatable {
    var queue: String?
    var queuedStaleAfterSeconds: Int?
    var runningStaleAfterSeconds: Int?
    var expectedRuntimeSeconds: Int?
    var jobTimeoutSeconds: Int?
    var terminalTruthPath: TerminalTruthPath?
    var scheduledReconciliation: Bool?
    var capability: String?
    var heartbeatTimeoutSeconds: Int?
  }

  var safetyMarginSeconds: Int?
  /// Nil when the `queues` section itself is missing or malformed, so "unknown queue" is not reported for
  /// every type on top of that one problem.
  var queues: [String: Queue]?
  var intervalSeconds: Int?
  var batchLimit: Int?
  var types: [String: TypeRules] = [:]
}

extension PolicyDraft {
  /// The complete draft of an in-memory policy.
  init(_ policy: LifecyclePolicy) {
    safetyMarginSeconds = policy.safetyMarginSeconds
    queues = policy.queues.mapValues { Queue(retryAfterSeconds: $0.retryAfterSeconds) }
    intervalSeconds = policy.reconcile.intervalSeconds
    batchLimit = policy.reconcile.batchLimit
    types = policy.types.mapValues { rules in
      TypeRules(
        queue: rules.queue, queuedStaleAfterSeconds: rules.queuedStaleAfterSeconds,
        runningStaleAfterSeconds: rules.runningStaleAfterSeconds,
        expectedRuntimeSeconds: rules.expectedRuntimeSeconds, jobTimeoutSeconds: rules.jobTimeoutSeconds,
        terminalTruthPath: rules.terminalTruthPath, scheduledReconciliation: rules.scheduledReconciliation,
        capability: rules.capability, heartbeatTimeoutSeconds: rules.heartbeatTimeoutSeconds)
    }
  }

  /// The policy, when every value is present.
  var policy: LifecyclePolicy? {
    guard let safetyMarginSeconds, let queues, let intervalSeconds, let batchLimit else { return nil }
    var queuePolicies: [String: QueuePolicy] = [:]
    for (name, queue) in queues {
      guard let retryAfter = queue.retryAfterSeconds else { return nil }
      queuePolicies[name] = QueuePolicy(retryAfterSeconds: retryAfter)
    }
    var typePolicies: [String: RunTypePolicy] = [:]
    for (name, rules) in types {
      guard let queue = rules.queue, let queued = rules.queuedStaleAfterSeconds,
        let running = rules.runningStaleAfterSeconds, let expected = rules.expectedRuntimeSeconds,
        let timeout = rules.jobTimeoutSeconds, let path = rules.terminalTruthPath,
        let scheduled = rules.scheduledReconciliation, let capability = rules.capability
      else { return nil }
      typePolicies[name] = RunTypePolicy(
        queue: queue, queuedStaleAfterSeconds: queued, runningStaleAfterSeconds: running,
        expectedRuntimeSeconds: expected, jobTimeoutSeconds: timeout, terminalTruthPath: path,
        scheduledReconciliation: scheduled, capability: capability,
        heartbeatTimeoutSeconds: rules.heartbeatTimeoutSeconds)
    }
    return LifecyclePolicy(
      safetyMarginSeconds: safetyMarginSeconds, queues: queuePolicies,
      reconcile: ReconcileSettings(intervalSeconds: intervalSeconds, batchLimit: batchLimit),
      types: typePolicies)
  }
}
