extension LifecyclePolicy {
  /// The built-in policy for the twelve covered types. A policy file replaces it entirely.
  public static let builtIn: LifecyclePolicy = {
    func type(
      _ queue: String, queued: Int, running: Int, expected: Int, timeout: Int,
      path: TerminalTruthPath = .directAndScheduled, capability: String = "operations.view"
    ) -> RunTypePolicy {
      RunTypePolicy(
        queue: queue, queuedStaleAfterSeconds: queued, runningStaleAfterSeconds: running,
        expectedRuntimeSeconds: expected, jobTimeoutSeconds: timeout, terminalTruthPath: path,
        scheduledReconciliation: true, capability: capability)
    }
    return LifecyclePolicy(
      safetyMarginSeconds: 30,
      queues: [
        "default": QueuePolicy(retryAfterSeconds: 600),
        "long_running": QueuePolicy(retryAfterSeconds: 3_900),
      ],
      reconcile: ReconcileSettings(intervalSeconds: 60, batchLimit: 100),
      types: [
        "baseline_capture": type(
          "long_running", queued: 900, running: 4_500, expected: 1_200, timeout: 3_600),
        "baseline_compare": type("long_running", queued: 900, running: 4_500, expected: 900, timeout: 3_600),
        "inventory_sync": type("default", queued: 900, running: 1_200, expected: 180, timeout: 540),
        "policy.sync": type("default", queued: 900, running: 1_200, expected: 120, timeout: 300),
        "policy.sync_one": type("default", queued: 600, running: 600, expected: 30, timeout: 120),
        "entra_group_sync": type("default", queued: 900, running: 1_200, expected: 240, timeout: 540),
        "directory_role_definitions.sync": type(
          "default", queued: 900, running: 900, expected: 60, timeout: 300),
        "backup_schedule_run": type(
          "long_running", queued: 1_800, running: 4_500, expected: 1_800, timeout: 3_600, path: .scheduledOnly
        ),
        "restore.execute": type(
          "long_running", queued: 900, running: 4_500, expected: 1_200, timeout: 3_600,
          capability: "restore.view"),
        "tenant.review_pack.generate": type(
          "default", queued: 900, running: 1_200, expected: 180, timeout: 540),
        "tenant.review.compose": type("default", queued: 900, running: 1_200, expected: 120, timeout: 300),
        "tenant.evidence.snapshot.generate": type(
          "default", queued: 900, running: 1_200, expected: 240, timeout: 540),
      ])
  }()
}
