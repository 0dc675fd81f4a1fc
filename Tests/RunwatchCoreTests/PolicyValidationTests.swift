import Foundation
import RunwatchCore
import Testing

/// Every validation rule of MISSION.md's lifecycle policy, with the message an operator reads.
@Suite struct PolicyValidationTests {
  @Test func theSampleFileLoads() throws {
    let policy = try LifecyclePolicy.load(yaml: PolicySample.yaml)
    #expect(policy.safetyMarginSeconds == 30)
    #expect(policy.queues == ["default": QueuePolicy(retryAfterSeconds: 600)])
    #expect(policy.reconcile == ReconcileSettings(intervalSeconds: 60, batchLimit: 100))
    #expect(
      policy.types == [
        "policy.sync": RunTypePolicy(
          queue: "default", queuedStaleAfterSeconds: 900, runningStaleAfterSeconds: 1200,
          expectedRuntimeSeconds: 120, jobTimeoutSeconds: 300, terminalTruthPath: .directAndScheduled,
          scheduledReconciliation: true, capability: "operations.view")
      ])
  }

  @Test func theBuiltInPolicyPassesValidation() throws {
    #expect(LifecyclePolicyValidator.violations(in: .builtIn).isEmpty)
    try LifecyclePolicy.builtIn.validate()
    #expect(LifecyclePolicy.builtIn.types.count == 12)
  }

  @Test func jobTimeoutPlusSafetyMarginMustStayBelowRetryAfter() {
    #expect(
      PolicySample.violations(PolicySample.with([("job_timeout_seconds: 300", "job_timeout_seconds: 590")]))
        == [
          "types.policy.sync.job_timeout_seconds: 590 + safety_margin_seconds 30 = 620 must be < "
            + "queues.default.retry_after_seconds 600"
        ])
    // Equal to retry_after is already too late: the queue would hand the job to a second worker.
    #expect(
      PolicySample.violations(PolicySample.with([("job_timeout_seconds: 300", "job_timeout_seconds: 570")]))
        == [
          "types.policy.sync.job_timeout_seconds: 570 + safety_margin_seconds 30 = 600 must be < "
            + "queues.default.retry_after_seconds 600"
        ])
    #expect(
      PolicySample.violations(PolicySample.with([("job_timeout_seconds: 300", "job_timeout_seconds: 569")]))
        .isEmpty)
  }

  @Test func expectedRuntimeMustStayBelowJobTimeout() {
    #expect(
      PolicySample.violations(
        PolicySample.with([("expected_runtime_seconds: 120", "expected_runtime_seconds: 300")])) == [
          "types.policy.sync.expected_runtime_seconds: 300 must be < job_timeout_seconds 300"
        ])
  }

  @Test func runningStaleThresholdMustExceedJobTimeout() {
    #expect(
      PolicySample.violations(
        PolicySample.with([("running_stale_after_seconds: 1200", "running_stale_after_seconds: 300")])) == [
          "types.policy.sync.running_stale_after_seconds: 300 must be > job_timeout_seconds 300"
        ])
  }

  @Test(arguments: [0, 501, -1])
  func batchLimitMustBeBetweenOneAndFiveHundred(limit: Int) {
    #expect(
      PolicySample.violations(PolicySample.with([("batch_limit: 100", "batch_limit: \(limit)")])) == [
        "reconcile.batch_limit: \(limit) must be between 1 and 500"
      ])
  }

  @Test(arguments: [1, 500])
  func batchLimitBoundsAreAllowed(limit: Int) {
    #expect(
      PolicySample.violations(PolicySample.with([("batch_limit: 100", "batch_limit: \(limit)")])).isEmpty)
  }

  @Test(arguments: [
    ("safety_margin_seconds: 30", "safety_margin_seconds: 0", "safety_margin_seconds"),
    ("retry_after_seconds: 600", "retry_after_seconds: -600", "queues.default.retry_after_seconds"),
    ("interval_seconds: 60", "interval_seconds: 0", "reconcile.interval_seconds"),
    (
      "queued_stale_after_seconds: 900", "queued_stale_after_seconds: 0",
      "types.policy.sync.queued_stale_after_seconds"
    ),
  ])
  func everyNumberMustBePositive(old: String, new: String, path: String) {
    let value = new.split(separator: " ").last.map(String.init) ?? ""
    #expect(
      PolicySample.violations(PolicySample.with([(old, new)])) == [
        "\(path): \(value) must be a positive number of seconds"
      ])
  }

  @Test func nonPositiveTypeNumbersAreReportedWithoutKnockOnComparisons() {
    let text = PolicySample.with([
      ("running_stale_after_seconds: 1200", "running_stale_after_seconds: 0"),
      ("expected_runtime_seconds: 120", "expected_runtime_seconds: -5"),
      ("job_timeout_seconds: 300", "job_timeout_seconds: 0"),
    ])
    #expect(
      PolicySample.violations(text) == [
        "types.policy.sync.running_stale_after_seconds: 0 must be a positive number of seconds",
        "types.policy.sync.expected_runtime_seconds: -5 must be a positive number of seconds",
        "types.policy.sync.job_timeout_seconds: 0 must be a positive number of seconds",
      ])
  }

  @Test func absurdlyLongWindowsAreRefused() {
    #expect(
      PolicySample.violations(
        PolicySample.with([("queued_stale_after_seconds: 900", "queued_stale_after_seconds: 99999999999")]))
        == [
          "types.policy.sync.queued_stale_after_seconds: 99999999999 must be at most 31536000 seconds (one year)"
        ])
  }

  @Test func unknownKeysAreRejectedAtEveryLevel() {
    let text = PolicySample.with([
      ("safety_margin_seconds: 30", "safety_margin_seconds: 30\nverbose: true"),
      ("{ retry_after_seconds: 600 }", "{ retry_after_seconds: 600, retry: 3 }"),
      ("batch_limit: 100 }", "batch_limit: 100, jitter: 5 }"),
      ("capability: operations.view", "capability: operations.view\n    job_timout_seconds: 200"),
    ])
    #expect(
      PolicySample.violations(text) == [
        "verbose: unknown key (allowed: queues, reconcile, safety_margin_seconds, types)",
        "queues.default.retry: unknown key (allowed: retry_after_seconds)",
        "reconcile.jitter: unknown key (allowed: batch_limit, interval_seconds)",
        "types.policy.sync.job_timout_seconds: unknown key (allowed: capability, expected_runtime_seconds, "
          + "heartbeat_timeout_seconds, job_timeout_seconds, queue, queued_stale_after_seconds, "
          + "running_stale_after_seconds, "
          + "scheduled_reconciliation, terminal_truth_path)",
      ])
  }

  @Test func unknownQueueIsRejected() {
    #expect(
      PolicySample.violations(PolicySample.with([("queue: default", "queue: fast")])) == [
        "types.policy.sync.queue: unknown queue \"fast\" (queues defined: default)"
      ])
  }

  @Test func missingKeysAreRejected() {
    let text = PolicySample.with([
      ("reconcile: { interval_seconds: 60, batch_limit: 100 }\n", ""),
      ("    capability: operations.view", ""),
    ])
    #expect(
      PolicySample.violations(text) == [
        "reconcile: missing required key",
        "types.policy.sync.capability: missing required key",
      ])
    #expect(
      PolicySample.violations("") == [
        "safety_margin_seconds: missing required key", "queues: missing required key",
        "reconcile: missing required key", "types: missing required key",
      ])
  }

  @Test func valuesOfTheWrongKindAreRejected() {
    let text = PolicySample.with([
      ("safety_margin_seconds: 30", "safety_margin_seconds: \"30\""),
      ("interval_seconds: 60", "interval_seconds: 1.5"),
      ("batch_limit: 100", "batch_limit: lots"),
      ("queue: default", "queue: 7"),
      ("direct_and_scheduled   # or scheduled_only", "sometimes"),
      ("scheduled_reconciliation: true", "scheduled_reconciliation: maybe"),
      ("capability: operations.view", "capability: [operations.view]"),
    ])
    #expect(
      PolicySample.violations(text) == [
        "safety_margin_seconds: must be a whole number of seconds, got \"30\"",
        "reconcile.interval_seconds: must be a whole number of seconds, got 1.5",
        "reconcile.batch_limit: must be a whole number of seconds, got \"lots\"",
        "types.policy.sync.queue: must be non-empty text, got 7",
        "types.policy.sync.terminal_truth_path: must be direct_and_scheduled or scheduled_only, got \"sometimes\"",
        "types.policy.sync.scheduled_reconciliation: must be true or false, got \"maybe\"",
        "types.policy.sync.capability: must be non-empty text, got a list",
      ])
    #expect(
      PolicySample.violations("types: [policy.sync]\n").contains(
        "types: must be a mapping of keys to values, got a list"))
    #expect(
      PolicySample.violations("just text\n") == [
        "(top level): must be a mapping of keys to values, got \"just text\""
      ])
  }

  @Test func everyViolationIsListedInOnePass() {
    let text = PolicySample.with([
      ("batch_limit: 100", "batch_limit: 0"),
      ("job_timeout_seconds: 300", "job_timeout_seconds: 590"),
      ("expected_runtime_seconds: 120", "expected_runtime_seconds: 700"),
      ("running_stale_after_seconds: 1200", "running_stale_after_seconds: 500"),
      ("scheduled_reconciliation: true", "scheduled_reconciliation: maybe"),
    ])
    let lines = PolicySample.violations(text)
    #expect(lines.count == 5, "\(lines)")
    #expect(lines.allSatisfy { !$0.contains("\n") })
  }

  @Test func malformedYAMLIsASyntaxErrorWithItsPosition() {
    #expect(throws: LifecyclePolicyError.self) { try LifecyclePolicy.load(yaml: "queues: [default\n") }
    do {
      _ = try LifecyclePolicy.load(yaml: "queues: [default\n")
      Issue.record("malformed YAML loaded")
    } catch {
      guard case .syntax(let line, _, let problem) = error else {
        Issue.record("expected a syntax error, got \(error)")
        return
      }
      #expect(line == 2)
      #expect(!problem.isEmpty)
      #expect(String(describing: error).hasPrefix("YAML syntax error at line 2"))
    }
  }

  @Test func theValidatorReportsOnInMemoryPolicies() {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.jobTimeoutSeconds = 590
    policy.reconcile.batchLimit = 501
    #expect(
      LifecyclePolicyValidator.violations(in: policy).map(\.description) == [
        "reconcile.batch_limit: 501 must be between 1 and 500",
        "types.policy.sync.job_timeout_seconds: 590 + safety_margin_seconds 30 = 620 must be < "
          + "queues.default.retry_after_seconds 600",
      ])
    #expect(throws: LifecyclePolicyError.self) { try policy.validate() }
  }
}

/// `heartbeat_timeout_seconds`: optional, positive, below the maximum runtime, and kept by `policy show`.
@Suite struct HeartbeatPolicyTests {
  static let capability = "capability: operations.view"

  @Test func theKeyIsOptionalAndLoads() throws {
    #expect(
      try LifecyclePolicy.load(yaml: PolicySample.yaml).types["policy.sync"]?.heartbeatTimeoutSeconds == nil)
    let text = PolicySample.with([(Self.capability, "\(Self.capability)\n    heartbeat_timeout_seconds: 90")])
    #expect(try LifecyclePolicy.load(yaml: text).types["policy.sync"]?.heartbeatTimeoutSeconds == 90)
  }

  @Test func itMustBeBelowTheMaximumRuntime() {
    let text = PolicySample.with([
      (Self.capability, "\(Self.capability)\n    heartbeat_timeout_seconds: 1200")
    ])
    #expect(
      PolicySample.violations(text) == [
        "types.policy.sync.heartbeat_timeout_seconds: 1200 must be < running_stale_after_seconds 1200"
      ])
  }

  @Test func itMustBeAPositiveWholeNumberOfSeconds() {
    let zero = PolicySample.with([(Self.capability, "\(Self.capability)\n    heartbeat_timeout_seconds: 0")])
    #expect(
      PolicySample.violations(zero) == [
        "types.policy.sync.heartbeat_timeout_seconds: 0 must be a positive number of seconds"
      ])
    let text = PolicySample.with([
      (Self.capability, "\(Self.capability)\n    heartbeat_timeout_seconds: \"60\"")
    ])
    #expect(
      PolicySample.violations(text) == [
        "types.policy.sync.heartbeat_timeout_seconds: must be a whole number of seconds, got \"60\""
      ])
  }

  @Test func policyShowRoundTripsIt() throws {
    var policy = LifecyclePolicy.builtIn
    policy.types["restore.execute"]?.heartbeatTimeoutSeconds = 300
    let text = policy.yamlText
    #expect(text.contains("heartbeat_timeout_seconds: 300"))
    #expect(try LifecyclePolicy.load(yaml: text) == policy)
    #expect(policy.fingerprint != LifecyclePolicy.builtIn.fingerprint, "a new window recomputes deadlines")
    #expect(!LifecyclePolicy.builtIn.yamlText.contains("heartbeat_timeout_seconds"), "absent stays absent")
    #expect(try LifecyclePolicy.load(yaml: LifecyclePolicy.demo.yamlText) == .demo)
  }
}

/// The one deadline rule: queue wait for queued runs; for running runs the earlier of the maximum runtime and
/// the heartbeat silence.
@Suite struct ActiveDeadlineTests {
  static let start = Date(timeIntervalSince1970: 1_800_000_000)
  static let policy: LifecyclePolicy = {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.heartbeatTimeoutSeconds = 60
    return policy
  }()

  func running(lastHeartbeat: TimeInterval?) -> OperationRun {
    OperationRun(
      id: 1, workspaceID: 1, tenantID: 1, initiatorUserID: nil, type: "policy.sync", status: .running,
      createdAt: Self.start.addingTimeInterval(-10), startedAt: Self.start,
      lastHeartbeatAt: lastHeartbeat.map { Self.start.addingTimeInterval($0) })
  }

  @Test func beforeTheFirstHeartbeatTheWindowCountsFromTheStart() {
    let deadline = running(lastHeartbeat: nil).activeDeadline(policy: Self.policy)
    #expect(deadline == StaleDeadline(kind: .heartbeat, referenceTime: Self.start, thresholdSeconds: 60))
  }

  @Test func aRecentHeartbeatKeepsTheRunFreshUntilTheCeiling() {
    let run = running(lastHeartbeat: 1_100)
    #expect(run.activeDeadline(policy: Self.policy)?.kind == .heartbeat)
    #expect(run.freshness(policy: Self.policy, now: Self.start.addingTimeInterval(1_150)) == .freshActive)
    let late = running(lastHeartbeat: 1_180)
    let deadline = late.activeDeadline(policy: Self.policy)
    #expect(deadline == StaleDeadline(kind: .maxRuntime, referenceTime: Self.start, thresholdSeconds: 1_200))
    #expect(late.freshness(policy: Self.policy, now: Self.start.addingTimeInterval(1_200)) == .likelyStale)
  }

  @Test func withoutAWindowOnlyTheCeilingCounts() {
    let run = running(lastHeartbeat: 10)
    #expect(
      run.activeDeadline(policy: .builtIn)
        == StaleDeadline(kind: .maxRuntime, referenceTime: Self.start, thresholdSeconds: 1_200))
  }

  @Test func theAssessmentRecordsWhichDeadlineFired() throws {
    let facts = ExecutionLegitimacyFacts(tenantActive: true, initiatorMember: nil)
    let silent = running(lastHeartbeat: 30)
    let plan = try #require(
      ReconcileAssessment.assess(
        silent, policy: Self.policy, now: Self.start.addingTimeInterval(90), facts: facts
      ).plan)
    #expect(plan.reason == .staleRunning)
    #expect(plan.evidence["deadline"] == "heartbeat")
    #expect(plan.evidence["reference_time"] == .timestamp(Self.start.addingTimeInterval(30)))
    #expect(plan.evidence["threshold_seconds"] == 60)
    #expect(plan.reasonMessage == ReasonCatalog.describe(.staleRunning, deadline: .heartbeat).explanation)
    let busy = running(lastHeartbeat: 1_190)
    let ceiling = try #require(
      ReconcileAssessment.assess(
        busy, policy: Self.policy, now: Self.start.addingTimeInterval(1_200), facts: facts
      ).plan)
    #expect(ceiling.evidence["deadline"] == "max_runtime")
    #expect(ceiling.evidence["threshold_seconds"] == 1200)
  }
}
