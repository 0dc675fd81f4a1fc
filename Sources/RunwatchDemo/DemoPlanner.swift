import Foundation
import RunwatchCore
import RunwatchStore

/// Turns a seed into the rich history: which runs exist, where, for whom, and every step of their lives at
/// the second it happens. Pure: it reads nothing and writes nothing, so the same seed always plans the same
/// history, and `DemoSeeder` only replays it through the lifecycle service.
struct DemoPlanner {
  let policy: LifecyclePolicy
  let directory: DemoDirectory
  let now: Date
  let window: DemoWindow
  var rng: SplitMix64
  private(set) var plans: [DemoRunPlan] = []
  private(set) var events: [DemoEvent] = []

  /// Relative frequency of each covered type in the random part of the history.
  static let typeWeights: [String: Double] = [
    "policy.sync": 18, "inventory_sync": 14, "policy.sync_one": 10, "entra_group_sync": 10,
    "backup_schedule_run": 8, "baseline_compare": 7, "baseline_capture": 5,
    "directory_role_definitions.sync": 6,
    "restore.execute": 6, "tenant.review_pack.generate": 5, "tenant.review.compose": 4,
    "tenant.evidence.snapshot.generate": 5,
  ]

  /// How often a type runs without a person behind it (scheduled).
  static let systemShare: [String: Double] = [
    "backup_schedule_run": 0.9, "inventory_sync": 0.6, "entra_group_sync": 0.5,
    "directory_role_definitions.sync": 0.6, DemoCatalog.uncoveredType: 0.5,
  ]

  init(policy: LifecyclePolicy, directory: DemoDirectory, now: Date, seed: UInt64) {
    self.policy = policy
    self.directory = directory
    self.now = now
    self.window = DemoWindow(policy: policy)
    self.rng = SplitMix64(seed: seed)
  }

  /// The fewest runs a rich set can have: one finished run per covered type, every required scenario and two
  /// runs of the single-tenant operator.
  static func minimumRuns(policy: LifecyclePolicy) -> Int {
    policy.types.count + DemoScenario.required.count + 2
  }

  /// Plans `count` runs (at least `minimumRuns`): one success per covered type, every required scenario, and
  /// the rest drawn from the usual mix; then the tenant archival.
  mutating func plan(count: Int) {
    for tenant in directory.archivedTenants.flatMap({ $0 }) {
      add(.archiveTenant(tenant.id), at: window.archiveAgo)
    }
    for type in policy.types.keys.sorted() {
      plan(.finished(.succeeded, fromQueue: false), type: type, workspaceIndex: 0)
    }
    for (index, scenario) in DemoScenario.required.enumerated() {
      // A few required runs live in the second workspace so its members see every state too.
      plan(scenario, workspaceIndex: index % 8 == 7 && scenario != .archivedTenantStart ? 1 : 0)
    }
    plan(.finished(.succeeded, fromQueue: false), workspaceIndex: 0, singleTenantUser: true)
    plan(.reconciledRunning, workspaceIndex: 0, singleTenantUser: true)
    let weights = DemoScenario.mix.map(\.weight)
    while plans.count < count {
      plan(DemoScenario.mix[rng.weightedIndex(weights)].scenario)
    }
  }

  /// Every event in the order it happens (ties keep planning order).
  var orderedEvents: [DemoEvent] {
    events.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
  }

  // MARK: - Placement

  private mutating func pickType(for scenario: DemoScenario) -> String {
    switch scenario {
    case .uncoveredActive, .uncoveredFinished: return DemoCatalog.uncoveredType
    case .adapter: return policy.covers("restore.execute") ? "restore.execute" : pickCoveredType()
    case .resolvedByOperator:
      // What operators resolve by hand: runs nothing else will finish (a type the loop leaves alone).
      let unhealed = policy.types.filter { !$0.value.scheduledReconciliation }.keys.sorted()
      return unhealed.isEmpty ? pickCoveredType() : pickCoveredType(from: unhealed)
    case .queueFailure:
      // The direct bridge only exists for types whose terminal truth may arrive from the job itself.
      let direct = policy.types.filter { $0.value.terminalTruthPath == .directAndScheduled }.keys.sorted()
      return direct.isEmpty ? pickCoveredType() : pickCoveredType(from: direct)
    case .reconciledQueued, .reconciledRunning, .lateReport, .archivedTenantStart:
      // Their story ends with the scheduled reconciler healing the run: only types it may touch (a policy
      // can opt a type out, as the demo policy does for restores).
      let healed = policy.reconcilableTypes
      return healed.isEmpty ? pickCoveredType() : pickCoveredType(from: healed)
    default: return pickCoveredType()
    }
  }

  private mutating func pickCoveredType(from candidates: [String]? = nil) -> String {
    let types = candidates ?? policy.types.keys.sorted()
    return types[rng.weightedIndex(types.map { Self.typeWeights[$0] ?? 5 })]
  }

  private mutating func plan(
    _ scenario: DemoScenario, type fixedType: String? = nil, workspaceIndex fixedWorkspace: Int? = nil,
    singleTenantUser: Bool = false
  ) {
    let type = fixedType ?? pickType(for: scenario)
    let workspaceIndex =
      fixedWorkspace ?? (directory.workspaces.count > 1 && rng.chance(0.22) ? 1 : 0)
    var tenant: Tenant?
    if singleTenantUser {
      tenant = directory.activeTenants[0].first { $0.name == DemoCatalog.singleTenantName }
    } else if type == DemoCatalog.uncoveredType {
      tenant = nil  // an export of the whole workspace: a workspace-level run
    } else if scenario == .archivedTenantStart
      || (scenario == .finished(.succeeded, fromQueue: false) && rng.chance(0.06))
    {
      tenant =
        directory.archivedTenants[workspaceIndex].first ?? directory.activeTenants[workspaceIndex].first
    } else {
      tenant = rng.pick(directory.activeTenants[workspaceIndex])
    }
    let initiator = pickInitiator(
      type: type, workspaceIndex: workspaceIndex, tenant: tenant,
      forceSingleTenantUser: singleTenantUser)
    var linked: LinkedRecord?
    if case .adapter = scenario {
      linked = LinkedRecord(
        kind: "restore", externalID: "rst_\(rng.int(in: 100_000...999_999))", status: "running")
    }
    let request = NewRun(
      workspaceID: directory.workspaces[workspaceIndex].id, tenantID: tenant?.id, initiatorUserID: initiator,
      type: type, context: DemoContent.context(for: type, initiated: initiator != nil, rng: &rng),
      linkedRecord: linked)
    plans.append(DemoRunPlan(scenario: scenario, request: request, workspaceIndex: workspaceIndex))
    let isArchived = tenant.map { archived in
      directory.archivedTenants.joined().contains { $0.id == archived.id }
    }
    schedule(plans.count - 1, type: type, onArchivedTenant: isArchived ?? false)
  }

  private mutating func pickInitiator(
    type: String, workspaceIndex: Int, tenant: Tenant?, forceSingleTenantUser: Bool
  ) -> Int64? {
    let single = DemoCatalog.credentials.first { $0.purpose.contains(DemoCatalog.singleTenantName) }
    if forceSingleTenantUser, let single { return directory.userIDs[single.email] }
    if rng.chance(Self.systemShare[type] ?? 0.2) { return nil }
    let slug = directory.workspaces[workspaceIndex].slug
    // People who start runs: owners, managers and operators of this workspace entitled to the tenant.
    let starters = DemoCatalog.credentials.filter { credential in
      guard let role = credential.roles.first(where: { $0.workspaceSlug == slug })?.role, role != .readonly
      else { return false }
      if credential.email == single?.email { return tenant?.name == DemoCatalog.singleTenantName }
      return true
    }
    guard !starters.isEmpty else { return nil }
    return directory.userIDs[rng.pick(starters).email]
  }

  // MARK: - Timing

  private mutating func add(_ step: DemoEvent.Step, at ago: Double) {
    events.append(DemoEvent(time: now.addingTimeInterval(-ago.rounded()), sequence: events.count, step: step))
  }

  /// Heartbeats between `fromAgo` and `toAgo` with progress rising from `startFraction` to `endFraction`.
  private mutating func heartbeats(
    _ plan: Int, total: Int64, fromAgo: Double, toAgo: Double, startFraction: Double = 0.05,
    endFraction: Double = 0.9
  ) {
    let span = fromAgo - toAgo
    guard span >= 3 else { return }
    let beats = min(4, max(1, Int(span / 20)))
    for beat in 1...beats {
      let share = Double(beat) / Double(beats + 1)
      let fraction = startFraction + (endFraction - startFraction) * share
      add(
        .heartbeat(plan, DemoContent.progress(total: total, fraction: fraction)), at: fromAgo - span * share)
    }
  }

  private mutating func schedule(_ plan: Int, type: String, onArchivedTenant: Bool) {
    let timing = DemoTypeTiming(policy.types[type])
    let total = DemoContent.itemTotal(for: type, rng: &rng)
    let lag = { (rng: inout SplitMix64, window: DemoWindow) in rng.double(in: 1...window.reconcileLag) }
    switch plans[plan].scenario {
    case .finished(let outcome, let fromQueue):
      let wait = timing.queueWait(&rng)
      let duration =
        outcome == .blocked ? min(timing.healthyDuration(&rng), 20) : timing.healthyDuration(&rng)
      let span = wait + (fromQueue ? 0 : duration) + 2
      let latestAgo = onArchivedTenant ? window.archiveAgo + 60 : 30
      let createdAgo = rng.double(in: (latestAgo + span)...max(latestAgo + span, window.historyStartAgo))
      add(.create(plan), at: createdAgo)
      let counts = DemoContent.finalCounts(total: total, outcome: outcome, rng: &rng)
      let failures = DemoContent.failures(for: type, outcome: outcome, rng: &rng)
      if fromQueue {
        add(.complete(plan, outcome, counts, failures), at: createdAgo - wait)
      } else {
        let startAgo = createdAgo - wait
        add(.start(plan), at: startAgo)
        heartbeats(plan, total: total, fromAgo: startAgo, toAgo: startAgo - duration)
        add(.complete(plan, outcome, counts, failures), at: startAgo - duration)
      }
    case .uncoveredFinished:
      let createdAgo = rng.double(in: 600...window.historyStartAgo)
      let startAgo = createdAgo - timing.queueWait(&rng)
      let duration = timing.healthyDuration(&rng)
      add(.create(plan), at: createdAgo)
      add(.start(plan), at: startAgo)
      add(
        .complete(
          plan, .succeeded, DemoContent.finalCounts(total: total, outcome: .succeeded, rng: &rng), []),
        at: startAgo - duration)
    case .freshQueued:
      add(.create(plan), at: rng.double(in: (0.02 * timing.queued)...(0.8 * timing.queued)))
    case .freshRunning:
      let startAgo = timing.freshRunningStart(&rng)
      add(.create(plan), at: startAgo + timing.queueWait(&rng))
      add(.start(plan), at: startAgo)
      heartbeats(plan, total: total, fromAgo: startAgo, toAgo: 2, endFraction: rng.double(in: 0.3...0.9))
    case .staleQueuedNow:
      add(.create(plan), at: timing.queued + rng.double(in: 10...min(1_200, window.maxWindow)))
    case .staleRunningNow:
      let startAgo = timing.running + rng.double(in: 10...min(1_200, window.maxWindow))
      add(.create(plan), at: startAgo + timing.queueWait(&rng))
      add(.start(plan), at: startAgo)
      heartbeats(
        plan, total: total, fromAgo: startAgo, toAgo: startAgo - 0.3 * timing.running, endFraction: 0.35)
    case .uncoveredActive(let running):
      let createdAgo = rng.double(in: 120...window.historyStartAgo)
      add(.create(plan), at: createdAgo)
      if running {
        let startAgo = createdAgo - min(timing.queueWait(&rng), createdAgo / 2)
        add(.start(plan), at: startAgo)
        heartbeats(plan, total: total, fromAgo: startAgo, toAgo: startAgo * 0.7, endFraction: 0.4)
      }
    case .reconciledQueued:
      let createdAgo = rng.double(in: window.historicalStartRange)
      add(.create(plan), at: createdAgo)
      add(.reconcile, at: createdAgo - timing.queued - lag(&rng, window))
    case .reconciledRunning, .lateReport:
      let createdAgo = rng.double(in: window.historicalStartRange)
      let startAgo = createdAgo - timing.queueWait(&rng)
      add(.create(plan), at: createdAgo)
      add(.start(plan), at: startAgo)
      heartbeats(
        plan, total: total, fromAgo: startAgo, toAgo: startAgo - 0.4 * timing.running, endFraction: 0.5)
      let tickAgo = startAgo - timing.running - lag(&rng, window)
      add(.reconcile, at: tickAgo)
      if plans[plan].scenario == .lateReport {
        if rng.chance(0.5) {
          add(
            .lateHeartbeat(plan, DemoContent.progress(total: total, fraction: 0.8)),
            at: tickAgo - rng.double(in: 30...300))
        }
        add(
          .lateComplete(
            plan, .succeeded, DemoContent.finalCounts(total: total, outcome: .succeeded, rng: &rng)),
          at: tickAgo - rng.double(in: 301...900))
      }
    case .queueFailure(let kind):
      let createdAgo = rng.double(in: window.historicalStartRange)
      let startAgo = createdAgo - timing.queueWait(&rng)
      // A timeout is reported once the job overran its timeout; other failures while it was working.
      let failAfter =
        kind == .timeout
        ? timing.timeout + (timing.running - timing.timeout) * rng.double(in: 0.2...0.8)
        : timing.timeout * rng.double(in: 0.1...0.9)
      add(.create(plan), at: createdAgo)
      add(.start(plan), at: startAgo)
      heartbeats(plan, total: total, fromAgo: startAgo, toAgo: startAgo - failAfter * 0.8, endFraction: 0.6)
      add(.bridge(plan, DemoContent.queueFailure(kind: kind, rng: &rng)), at: startAgo - failAfter)
    case .adapter(let recordStatus):
      let createdAgo = rng.double(in: window.historicalStartRange)
      let startAgo = createdAgo - timing.queueWait(&rng)
      let recordAfter = min(timing.timeout, timing.running) * rng.double(in: 0.2...0.6)
      add(.create(plan), at: createdAgo)
      add(.start(plan), at: startAgo)
      heartbeats(plan, total: total, fromAgo: startAgo, toAgo: startAgo - recordAfter * 0.8, endFraction: 0.5)
      add(.recordStatus(plan, recordStatus), at: startAgo - recordAfter)
      add(.reconcile, at: startAgo - recordAfter - min(5, 0.2 * timing.running))
    case .resolvedByOperator:
      let createdAgo = rng.double(in: window.historicalStartRange)
      let startAgo = createdAgo - timing.queueWait(&rng)
      add(.create(plan), at: createdAgo)
      add(.start(plan), at: startAgo)
      heartbeats(
        plan, total: total, fromAgo: startAgo, toAgo: startAgo - 0.3 * timing.running, endFraction: 0.4)
      add(
        .resolve(plan, note: rng.pick(DemoContent.resolveNotes)),
        at: startAgo - timing.running - rng.double(in: 60...max(61, min(3_600, 0.5 * window.maxWindow))))
    case .archivedTenantStart:
      let createdAgo = window.archiveAgo + timing.queued * rng.double(in: 0.1...0.4)
      add(.create(plan), at: createdAgo)
      add(.startRefused(plan), at: window.archiveAgo - timing.queued * rng.double(in: 0.05...0.4))
      add(.reconcile, at: createdAgo - timing.queued - lag(&rng, window))
    }
  }
}
