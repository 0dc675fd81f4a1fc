import Foundation
import RunwatchCore
import RunwatchStore

/// Replays the planned history through the lifecycle service and the reconciler, moving the clock to each
/// event first. Every step must have the result the plan intends (applied, or the planned refusal); anything
/// else throws `DemoSeedError.unexpectedRefusal`, so a plan that broke a lifecycle rule cannot pass silently.
struct DemoPlayer {
  let lifecycle: LifecycleService
  let clock: ManualTimeSource
  let directory: DemoDirectory
  let plans: [DemoRunPlan]
  let reconciler: Reconciler
  private var runIDs: [Int: Int64] = [:]

  init(lifecycle: LifecycleService, clock: ManualTimeSource, directory: DemoDirectory, plans: [DemoRunPlan]) {
    self.lifecycle = lifecycle
    self.clock = clock
    self.directory = directory
    self.plans = plans
    self.reconciler = Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler)
  }

  private func worker(_ plan: Int) -> Actor { directory.workers[plans[plan].workspaceIndex] }

  private func runID(_ plan: Int) throws -> Int64 {
    guard let id = runIDs[plan] else {
      throw DemoSeedError.unexpectedRefusal(step: "plan \(plan)", reason: "run was never created")
    }
    return id
  }

  private func expectApplied(_ result: TransitionResult, _ step: String) throws {
    if let refusal = result.refusal {
      throw DemoSeedError.unexpectedRefusal(step: step, reason: refusal.reason.rawValue)
    }
  }

  private func expectRefused(_ result: TransitionResult, _ reason: RefusalReason, _ step: String) throws {
    guard result.refusal?.reason == reason else {
      throw DemoSeedError.unexpectedRefusal(
        step: step, reason: "expected \(reason.rawValue), got \(result.refusal?.reason.rawValue ?? "applied")"
      )
    }
  }

  mutating func play(_ event: DemoEvent) throws {
    clock.set(event.time)
    switch event.step {
    case .create(let plan):
      runIDs[plan] = try lifecycle.create(plans[plan].request, by: worker(plan)).id
    case .start(let plan):
      try expectApplied(lifecycle.start(runID: try runID(plan), by: worker(plan)), "start \(plan)")
    case .startRefused(let plan):
      try expectRefused(
        lifecycle.start(runID: try runID(plan), by: worker(plan)), .tenantArchived, "start \(plan)")
    case .heartbeat(let plan, let counts):
      try expectApplied(
        lifecycle.heartbeat(runID: try runID(plan), summaryCounts: counts, by: worker(plan)),
        "heartbeat \(plan)")
    case .complete(let plan, let outcome, let counts, let failures):
      try expectApplied(
        lifecycle.complete(
          runID: try runID(plan), outcome: outcome, summaryCounts: counts, failures: failures,
          by: worker(plan)),
        "complete \(plan)")
    case .bridge(let plan, let report):
      try expectApplied(
        lifecycle.bridgeQueueFailure(runID: try runID(plan), report: report, by: worker(plan)),
        "bridge \(plan)")
    case .recordStatus(let plan, let status):
      guard let record = plans[plan].request.linkedRecord,
        try lifecycle.database.updateLinkedRecord(
          kind: record.kind, externalID: record.externalID, status: status)
          == 1
      else {
        throw DemoSeedError.unexpectedRefusal(step: "record status \(plan)", reason: "no active linked run")
      }
    case .resolve(let plan, let note):
      let manager = DemoCatalog.credentials.first { credential in
        credential.roles.contains {
          $0.0 == directory.workspaces[plans[plan].workspaceIndex].slug && $0.1 <= .manager
        }
      }
      let email = manager?.email ?? "system"
      try expectApplied(
        lifecycle.resolve(
          runID: try runID(plan), note: note, operatorName: manager?.name ?? "An operator",
          by: Actor(kind: .user, label: "user:\(email)", source: "web")),
        "resolve \(plan)")
    case .lateHeartbeat(let plan, let counts):
      try expectRefused(
        lifecycle.heartbeat(runID: try runID(plan), summaryCounts: counts, by: worker(plan)),
        .alreadyTerminal,
        "late heartbeat \(plan)")
    case .lateComplete(let plan, let outcome, let counts):
      try expectRefused(
        lifecycle.complete(runID: try runID(plan), outcome: outcome, summaryCounts: counts, by: worker(plan)),
        .alreadyTerminal, "late complete \(plan)")
    case .reconcile:
      _ = try reconciler.reconcileAll()
    case .archiveTenant(let tenantID):
      try lifecycle.database.archiveTenant(id: tenantID, at: event.time)
    }
  }
}
