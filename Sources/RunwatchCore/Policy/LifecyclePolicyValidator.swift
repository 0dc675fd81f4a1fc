import Foundation

/// The rules a lifecycle policy must satisfy before Runwatch trusts it. A policy that breaks one would let the
/// reconciler fail a run that is still legitimately working (or never notice a dead one), so every caller that
/// loads a policy refuses an invalid one.
public enum LifecyclePolicyValidator {
  /// Largest number of seconds accepted anywhere (one year): longer windows mean a typo, and the bound keeps
  /// millisecond arithmetic far from overflow.
  public static let maximumSeconds = 31_536_000
  /// Allowed range for `reconcile.batch_limit`.
  public static let batchLimitRange = 1...500

  /// Every rule `policy` breaks, in a stable order (globals, queues, reconcile, then types by name).
  public static func violations(in policy: LifecyclePolicy) -> [PolicyViolation] {
    violations(in: PolicyDraft(policy))
  }

  /// Rules on a draft: values that are missing were already reported by the reader and are skipped here, and
  /// comparisons only run between values that are themselves in range, so one mistake gives one message.
  static func violations(in draft: PolicyDraft) -> [PolicyViolation] {
    var found: [PolicyViolation] = []
    func seconds(_ value: Int?, _ path: String) -> Int? {
      guard let value else { return nil }
      if value <= 0 {
        found.append(PolicyViolation(path: path, message: "\(value) must be a positive number of seconds"))
        return nil
      }
      if value > maximumSeconds {
        found.append(
          PolicyViolation(
            path: path, message: "\(value) must be at most \(maximumSeconds) seconds (one year)"))
        return nil
      }
      return value
    }

    let margin = seconds(draft.safetyMarginSeconds, PolicyKey.safetyMargin)
    var retryAfter: [String: Int] = [:]
    for name in (draft.queues ?? [:]).keys.sorted() {
      let path = PolicyKey.path(PolicyKey.path(PolicyKey.queues, name), PolicyKey.retryAfter)
      retryAfter[name] = seconds(draft.queues?[name]?.retryAfterSeconds, path)
    }
    _ = seconds(draft.intervalSeconds, PolicyKey.path(PolicyKey.reconcile, PolicyKey.interval))
    if let limit = draft.batchLimit, !batchLimitRange.contains(limit) {
      found.append(
        PolicyViolation(
          path: PolicyKey.path(PolicyKey.reconcile, PolicyKey.batchLimit),
          message: "\(limit) must be between \(batchLimitRange.lowerBound) and \(batchLimitRange.upperBound)")
      )
    }

    for name in draft.types.keys.sorted() {
      guard let rules = draft.types[name] else { continue }
      let typePath = PolicyKey.path(PolicyKey.types, name)
      func key(_ key: String) -> String { PolicyKey.path(typePath, key) }
      _ = seconds(rules.queuedStaleAfterSeconds, key(PolicyKey.queuedStaleAfter))
      let running = seconds(rules.runningStaleAfterSeconds, key(PolicyKey.runningStaleAfter))
      let expected = seconds(rules.expectedRuntimeSeconds, key(PolicyKey.expectedRuntime))
      let timeout = seconds(rules.jobTimeoutSeconds, key(PolicyKey.jobTimeout))
      let heartbeat = seconds(rules.heartbeatTimeoutSeconds, key(PolicyKey.heartbeatTimeout))

      if let queue = rules.queue, let queues = draft.queues, queues[queue] == nil {
        let defined = queues.keys.sorted().joined(separator: ", ")
        found.append(
          PolicyViolation(
            path: key(PolicyKey.queueName),
            message: "unknown queue \"\(queue)\" (queues defined: \(defined.isEmpty ? "none" : defined))"))
      }
      if let timeout, let margin, let queue = rules.queue, let retry = retryAfter[queue],
        timeout + margin >= retry
      {
        found.append(
          PolicyViolation(
            path: key(PolicyKey.jobTimeout),
            message: "\(timeout) + \(PolicyKey.safetyMargin) \(margin) = \(timeout + margin) must be < "
              + "\(PolicyKey.path(PolicyKey.path(PolicyKey.queues, queue), PolicyKey.retryAfter)) \(retry)"))
      }
      if let expected, let timeout, expected >= timeout {
        found.append(
          PolicyViolation(
            path: key(PolicyKey.expectedRuntime),
            message: "\(expected) must be < \(PolicyKey.jobTimeout) \(timeout)"))
      }
      if let running, let timeout, running <= timeout {
        found.append(
          PolicyViolation(
            path: key(PolicyKey.runningStaleAfter),
            message: "\(running) must be > \(PolicyKey.jobTimeout) \(timeout)"))
      }
      if let heartbeat, let running, heartbeat >= running {
        found.append(
          PolicyViolation(
            path: key(PolicyKey.heartbeatTimeout),
            message: "\(heartbeat) must be < \(PolicyKey.runningStaleAfter) \(running)"))
      }
      if let capability = rules.capability, capability.trimmingCharacters(in: .whitespaces).isEmpty {
        found.append(PolicyViolation(path: key(PolicyKey.capability), message: "must not be empty"))
      }
    }
    return found
  }
}

extension LifecyclePolicy {
  /// Throws `LifecyclePolicyError.invalid` listing every broken rule.
  public func validate() throws(LifecyclePolicyError) {
    let violations = LifecyclePolicyValidator.violations(in: self)
    if !violations.isEmpty { throw .invalid(violations) }
  }
}
