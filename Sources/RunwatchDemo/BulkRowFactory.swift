import Foundation
import RunwatchCore
import RunwatchStore
import StorageEngine

/// Makes the column values of one bulk run row. JSON texts that do not depend on the row (contexts, failure
/// lists) are rendered once into small pools up front, because a million JSON encodings would dominate the
/// insert time; counts and evidence are formatted by hand in the sorted-key form `JSONValue` writes.
struct BulkRowFactory {
  /// Where runs go: one entry per workspace.
  struct Target {
    var workspaceID: Int64
    var tenantIDs: [Int64]
    var activeTenantIDs: [Int64]
    var initiatorIDs: [Int64]
  }

  var rng: SplitMix64
  let policy: LifecyclePolicy
  let targets: [Target]
  let types: [String]
  let typeWeights: [Double]
  let contexts: [String: [String]]
  let failures: [String: [RunOutcome: [String]]]

  init(database: RunwatchDatabase, seed: UInt64) throws {
    rng = SplitMix64(seed: seed)
    policy = database.policy
    targets = try database.pool.read { connection in
      try connection.query("SELECT id FROM workspaces ORDER BY id").compactMap { row -> Target? in
        guard let workspaceID = row.int64("id") else { return nil }
        let tenants = try connection.query(
          "SELECT id, status FROM tenants WHERE workspace_id = ? ORDER BY id", [workspaceID])
        let people = try connection.query(
          "SELECT user_id FROM memberships WHERE workspace_id = ? AND role <> 'readonly' ORDER BY user_id",
          [workspaceID])
        return Target(
          workspaceID: workspaceID, tenantIDs: tenants.compactMap { $0.int64("id") },
          activeTenantIDs: tenants.filter { $0.string("status") == "active" }.compactMap { $0.int64("id") },
          initiatorIDs: people.compactMap { $0.int64("user_id") })
      }
    }
    guard !targets.isEmpty else { throw StoreError.invalid("bulk runs need at least one workspace") }
    types = policy.types.keys.sorted() + [DemoCatalog.uncoveredType]
    typeWeights = types.map { DemoPlanner.typeWeights[$0] ?? ($0 == DemoCatalog.uncoveredType ? 1 : 5) }
    var generator = SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
    var contexts: [String: [String]] = [:]
    var failures: [String: [RunOutcome: [String]]] = [:]
    for type in types {
      contexts[type] = (0..<16).map { variant in
        DemoContent.context(for: type, initiated: variant % 2 == 0, rng: &generator).jsonText
      }
      for outcome in [RunOutcome.partiallySucceeded, .failed, .blocked, .cancelled] {
        failures[type, default: [:]][outcome] = (0..<8).map { _ in
          OperationRun.encodeFailures(DemoContent.failures(for: type, outcome: outcome, rng: &generator))
        }
      }
    }
    self.contexts = contexts
    self.failures = failures
  }

  private mutating func placement(activeOnly: Bool) -> (target: Target, tenantID: Int64?, type: String) {
    let target =
      targets.count > 1 && rng.chance(0.22) ? targets[rng.int(in: 1...(targets.count - 1))] : targets[0]
    let type = types[rng.weightedIndex(typeWeights)]
    let tenants = activeOnly ? target.activeTenantIDs : target.tenantIDs
    let tenantID = type == DemoCatalog.uncoveredType || tenants.isEmpty ? nil : rng.pick(tenants)
    return (target, tenantID, type)
  }

  private mutating func initiator(_ target: Target) -> Int64? {
    target.initiatorIDs.isEmpty || rng.chance(0.45) ? nil : rng.pick(target.initiatorIDs)
  }

  private static func countsText(
    total: Int64, processed: Int64, succeeded: Int64, failed: Int64, skipped: Int64
  )
    -> String
  {
    "{\"failed\":\(failed),\"processed\":\(processed),\"skipped\":\(skipped),\"succeeded\":\(succeeded),\"total\":\(total)}"
  }

  /// A run finished by its worker or by reconciliation.
  mutating func finishedRow(createdAt: Date) -> [any SQLBindable] {
    let (target, tenantID, type) = placement(activeOnly: false)
    let timing = DemoTypeTiming(policy.types[type])
    let started = createdAt.addingTimeInterval(timing.queueWait(&rng))
    let total = DemoContent.itemTotal(for: type, rng: &rng)
    let roll = rng.unit()
    let covered = policy.covers(type)
    if covered && roll < 0.025 {
      return reconciledRow(
        target: target, tenantID: tenantID, type: type, timing: timing, createdAt: createdAt,
        started: started,
        total: total)
    }
    let outcome: RunOutcome =
      roll < 0.885
      ? .succeeded
      : roll < 0.945
        ? .partiallySucceeded
        : roll < 0.985
          ? .failed
          : roll < 0.99 ? .blocked : .cancelled
    let completed = started.addingTimeInterval(timing.healthyDuration(&rng))
    let counts = DemoContent.finalCounts(total: total, outcome: outcome, rng: &rng)
    let countsText = Self.countsText(
      total: total, processed: counts["processed"] ?? 0, succeeded: counts["succeeded"] ?? 0,
      failed: counts["failed"] ?? 0, skipped: counts["skipped"] ?? 0)
    let failureText = outcome == .succeeded ? "[]" : rng.pick(failures[type]?[outcome] ?? ["[]"])
    return [
      target.workspaceID, tenantID, initiator(target), type, "completed", outcome.rawValue, countsText,
      failureText, rng.pick(contexts[type] ?? ["{}"]), createdAt, started, completed, completed,
      SQLValue.null,
      SQLValue.null, SQLValue.null, SQLValue.null, SQLValue.null,
    ]
  }

  private mutating func reconciledRow(
    target: Target, tenantID: Int64?, type: String, timing: DemoTypeTiming, createdAt: Date, started: Date,
    total: Int64
  ) -> [any SQLBindable] {
    let neverStarted = rng.chance(0.3)
    let initiatorID = initiator(target)
    // The run as the reconciler found it: queued, or running with its last report a while after its start.
    var found = OperationRun(
      id: 0, workspaceID: target.workspaceID, tenantID: tenantID, initiatorUserID: initiatorID, type: type,
      status: neverStarted ? .queued : .running, createdAt: createdAt)
    if !neverStarted {
      found.startedAt = started
      found.lastHeartbeatAt = started.addingTimeInterval(timing.running * 0.3)
    }
    let deadline =
      found.activeDeadline(policy: policy)
      ?? StaleDeadline(
        kind: neverStarted ? .queueWait : .maxRuntime, referenceTime: neverStarted ? createdAt : started,
        thresholdSeconds: Int(neverStarted ? timing.queued : timing.running))
    let status = found.status
    let reconciledAt = deadline.at.addingTimeInterval(rng.double(in: 1...60))
    let reason: ReasonCode = neverStarted ? .staleQueued : .staleRunning
    let processed = neverStarted ? 0 : Int64(Double(total) * rng.double(in: 0.05...0.6))
    let legitimacy = ExecutionLegitimacy(
      run: found, policy: policy, facts: ExecutionLegitimacyFacts(tenantActive: true, initiatorMember: true))
    var evidence: JSONValue = [
      "evaluated_at": .timestamp(reconciledAt),
      "freshness_state": .string(Freshness.likelyStale.rawValue),
      "threshold_seconds": .number(Double(deadline.thresholdSeconds)),
      "reference_time": .timestamp(deadline.referenceTime),
      "status": .string(status.rawValue),
      "terminal_truth_path": .string(
        policy.types[type]?.terminalTruthPath.rawValue ?? "direct_and_scheduled"),
      "execution_legitimacy": legitimacy.json,
    ]
    if !neverStarted, case .object(var members) = evidence {
      members["deadline"] = .string(deadline.kind.rawValue)
      members["stale_at"] = .timestamp(deadline.at)
      evidence = .object(members)
    }
    let failure = RunFailure(
      code: reason.rawValue, message: ReasonCatalog.describe(reason, deadline: deadline.kind).explanation)
    return [
      target.workspaceID, tenantID, initiatorID, type, "completed", "failed",
      Self.countsText(total: total, processed: processed, succeeded: processed, failed: 0, skipped: 0),
      OperationRun.encodeFailures([failure]), rng.pick(contexts[type] ?? ["{}"]), createdAt,
      found.startedAt, found.lastHeartbeatAt,
      reconciledAt, SQLValue.null, reason.rawValue,
      Actor.scheduledReconciler.source, evidence.jsonText,
      reconciledAt,
    ]
  }

  /// An active run, decided before rows are written so they can be inserted in creation order.
  struct ActiveSpec {
    var target: Target
    var tenantID: Int64?
    var type: String
    var total: Int64
    var createdAt: Date
    var startedAt: Date?
  }

  /// A run still queued or running at `now`: most inside their window, about one in ten just past it.
  mutating func activeSpec(now: Date) -> ActiveSpec {
    let (target, tenantID, type) = placement(activeOnly: true)
    let timing = DemoTypeTiming(policy.types[type])
    let total = DemoContent.itemTotal(for: type, rng: &rng)
    let wait = timing.queueWait(&rng)
    if rng.chance(0.7) {
      let startedAt = now.addingTimeInterval(-rng.double(in: 2...(1.1 * timing.running)))
      return ActiveSpec(
        target: target, tenantID: tenantID, type: type, total: total,
        createdAt: startedAt.addingTimeInterval(-wait),
        startedAt: startedAt)
    }
    let createdAt = now.addingTimeInterval(-rng.double(in: 2...(1.1 * timing.queued)))
    return ActiveSpec(
      target: target, tenantID: tenantID, type: type, total: total, createdAt: createdAt, startedAt: nil)
  }

  /// The row of an active run, with the stale deadline the lifecycle service would store.
  mutating func activeRow(_ spec: ActiveSpec, now: Date) -> [any SQLBindable] {
    var run = OperationRun(
      id: 0, workspaceID: spec.target.workspaceID, tenantID: spec.tenantID,
      initiatorUserID: initiator(spec.target),
      type: spec.type, status: spec.startedAt == nil ? .queued : .running, createdAt: spec.createdAt)
    var counts = "{}"
    if let started = spec.startedAt {
      run.startedAt = started
      run.lastHeartbeatAt = started.addingTimeInterval(
        now.timeIntervalSince(started) * rng.double(in: 0...0.9))
      let processed = Int64(Double(spec.total) * rng.double(in: 0...0.9))
      counts = "{\"processed\":\(processed),\"total\":\(spec.total)}"
    }
    return [
      run.workspaceID, run.tenantID, run.initiatorUserID, spec.type, run.status.rawValue, "pending", counts,
      "[]",
      rng.pick(contexts[spec.type] ?? ["{}"]), spec.createdAt, run.startedAt, run.lastHeartbeatAt,
      SQLValue.null,
      run.staleDeadline(policy: policy), SQLValue.null, SQLValue.null, SQLValue.null, SQLValue.null,
    ]
  }
}
