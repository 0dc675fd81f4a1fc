/// The steps of a terminal write, in order. Crash tests inject a failure after any of them to prove the steps
/// commit together or not at all.
enum LifecycleStep: String, Sendable, CaseIterable {
  /// The run row was updated to its terminal state.
  case runUpdated = "run_updated"
  /// The audit event was inserted.
  case auditRecorded = "audit_recorded"
  /// The notification (if any) was inserted.
  case notificationRecorded = "notification_recorded"
  /// The webhook deliveries (if any webhook matched) were queued in the outbox; the transaction has not
  /// committed yet.
  case webhooksQueued = "webhooks_queued"
}

/// A hook called after each step of a terminal write; throwing from it simulates a crash at that point.
/// Production uses `.none`; only tests inject failures, through `LifecycleService`'s internal initializer.
struct LifecycleFaults: Sendable {
  /// Called after each step.
  let afterStep: @Sendable (LifecycleStep) throws -> Void

  /// No faults: every step proceeds.
  static let none = LifecycleFaults(afterStep: { _ in })

  /// Throws `error` after `step`, every time.
  static func fail(after step: LifecycleStep, with error: any Error & Sendable) -> LifecycleFaults {
    LifecycleFaults(afterStep: { reached in
      if reached == step { throw error }
    })
  }
}
