import RunwatchCore

/// The policy file from the README, and helpers to load variations of it.
enum PolicySample {
  static let yaml = """
    safety_margin_seconds: 30
    queues:
      default: { retry_after_seconds: 600 }
    reconcile: { interval_seconds: 60, batch_limit: 100 }
    types:
      policy.sync:
        queue: default
        queued_stale_after_seconds: 900
        running_stale_after_seconds: 1200
        expected_runtime_seconds: 120
        job_timeout_seconds: 300
        terminal_truth_path: direct_and_scheduled   # or scheduled_only
        scheduled_reconciliation: true
        capability: operations.view
    """

  /// The sample with each `old` line fragment replaced by `new`.
  static func with(_ replacements: [(String, String)]) -> String {
    replacements.reduce(yaml) { text, pair in
      precondition(text.contains(pair.0), "sample has no \(pair.0)")
      return text.replacingOccurrences(of: pair.0, with: pair.1)
    }
  }

  /// Every violation line `load(yaml:)` reports for `text` (empty when it loads).
  static func violations(_ text: String) -> [String] {
    do {
      _ = try LifecyclePolicy.load(yaml: text)
      return []
    } catch {
      return error.violations.map(\.description)
    }
  }
}
