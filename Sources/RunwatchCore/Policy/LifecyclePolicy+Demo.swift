extension LifecyclePolicy {
  /// The twelve covered types with windows measured in seconds instead of minutes, for `serve --demo`: a run a
  /// simulated worker abandons turns likely stale within a minute or so and is reconciled on the next tick
  /// (every 30 s, so a visitor has time to see it stale first): the whole lifecycle in about two minutes.
  /// `restore.execute` opts out of scheduled reconciliation, as a cautious team might for restores, so its
  /// abandoned runs stay likely stale and show what that setting means. It satisfies every validation rule:
  /// timeout + margin < retry_after, expected runtime < timeout < running-stale threshold. The long-running
  /// types also have a heartbeat window of 15 s: a healthy job reports every couple of seconds and stays fresh
  /// until its 90 s ceiling, while one whose worker dies turns stale 15 s after its last report.
  public static let demo: LifecyclePolicy = {
    func type(
      _ queue: String, running: Int, expected: Int, timeout: Int,
      path: TerminalTruthPath = .directAndScheduled, scheduled: Bool = true,
      capability: String = "operations.view", heartbeat: Int? = nil
    ) -> RunTypePolicy {
      RunTypePolicy(
        queue: queue, queuedStaleAfterSeconds: 45, runningStaleAfterSeconds: running,
        expectedRuntimeSeconds: expected, jobTimeoutSeconds: timeout, terminalTruthPath: path,
        scheduledReconciliation: scheduled, capability: capability, heartbeatTimeoutSeconds: heartbeat)
    }
    return LifecyclePolicy(
      safetyMarginSeconds: 5,
      queues: [
        "default": QueuePolicy(retryAfterSeconds: 60),
        "long_running": QueuePolicy(retryAfterSeconds: 90),
      ],
      reconcile: ReconcileSettings(intervalSeconds: 30, batchLimit: 100),
      types: [
        "baseline_capture": type("long_running", running: 90, expected: 30, timeout: 60, heartbeat: 15),
        "baseline_compare": type("long_running", running: 90, expected: 25, timeout: 60, heartbeat: 15),
        "inventory_sync": type("default", running: 60, expected: 15, timeout: 40),
        "policy.sync": type("default", running: 60, expected: 15, timeout: 40),
        "policy.sync_one": type("default", running: 60, expected: 10, timeout: 30),
        "entra_group_sync": type("default", running: 60, expected: 20, timeout: 40),
        "directory_role_definitions.sync": type("default", running: 60, expected: 10, timeout: 30),
        "backup_schedule_run": type(
          "long_running", running: 90, expected: 30, timeout: 60, path: .scheduledOnly, heartbeat: 15),
        "restore.execute": type(
          "long_running", running: 90, expected: 30, timeout: 60, scheduled: false,
          capability: "restore.view",
          heartbeat: 15),
        "tenant.review_pack.generate": type("default", running: 60, expected: 20, timeout: 40),
        "tenant.review.compose": type("default", running: 60, expected: 15, timeout: 40),
        "tenant.evidence.snapshot.generate": type("default", running: 60, expected: 20, timeout: 40),
      ])
  }()
}
