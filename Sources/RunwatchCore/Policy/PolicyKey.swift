/// The exact keys a policy file may use, in one place so the reader, the writer and the messages agree.
enum PolicyKey {
  static let safetyMargin = "safety_margin_seconds"
  static let queues = "queues"
  static let reconcile = "reconcile"
  static let types = "types"
  static let topLevel = [safetyMargin, queues, reconcile, types]

  static let retryAfter = "retry_after_seconds"
  static let queue = [retryAfter]

  static let interval = "interval_seconds"
  static let batchLimit = "batch_limit"
  static let reconcileSettings = [interval, batchLimit]

  static let queueName = "queue"
  static let queuedStaleAfter = "queued_stale_after_seconds"
  static let runningStaleAfter = "running_stale_after_seconds"
  static let expectedRuntime = "expected_runtime_seconds"
  static let jobTimeout = "job_timeout_seconds"
  static let terminalTruthPath = "terminal_truth_path"
  static let scheduledReconciliation = "scheduled_reconciliation"
  static let capability = "capability"
  static let heartbeatTimeout = "heartbeat_timeout_seconds"
  /// Keys every type must have.
  static let type = [
    queueName, queuedStaleAfter, runningStaleAfter, expectedRuntime, jobTimeout, terminalTruthPath,
    scheduledReconciliation, capability,
  ]
  /// Keys a type may have (absent means "no such deadline").
  static let optionalType = [heartbeatTimeout]

  /// `parent.key`, or `key` at the top level.
  static func path(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? key : "\(parent).\(key)"
  }
}
