import Foundation
import RunwatchCore
import SQLiteDB

/// Heals runs whose worker died: finds stale or out-of-sync active runs and completes each one through the
/// lifecycle service, with reason, evidence, audit event and notification.
///
/// Candidates are read in one short read transaction; each change is then assessed again and applied in its own
/// IMMEDIATE transaction (re-read, compare-and-set, audit event, notification). So a run finished by its worker
/// in between is skipped, a crash leaves every run untouched or fully reconciled, and the write lock is held for
/// one run at a time, never for a whole batch.
public final class Reconciler: Sendable {
  /// The lifecycle service that performs every status change.
  public let lifecycle: LifecycleService
  /// Who the audit log names: `Actor.scheduledReconciler` for the loop, `Actor.cliReconciler` for the CLI.
  public let actor: Actor

  /// Creates a reconciler acting as `actor`.
  public init(lifecycle: LifecycleService, actor: Actor) {
    self.lifecycle = lifecycle
    self.actor = actor
  }

  private var database: RunwatchDatabase { lifecycle.database }
  private var policy: LifecyclePolicy { lifecycle.policy }

  /// One batch: assesses at most `limit` candidates and applies (or, in a dry run, reports) their changes.
  /// Throws `StoreError.invalid` for bad options before reading anything; rethrows storage errors (changes
  /// already committed stay committed, the failing one is rolled back whole).
  public func reconcile(_ options: ReconcileOptions = ReconcileOptions()) throws -> ReconcileResult {
    let limit = try options.resolvedLimit(policy: policy)
    let now = lifecycle.clock.now()
    let query = CandidateQuery(options: options, policy: policy, limit: limit, now: now)
    if options.dryRun {
      return try database.pool.read { connection in
        var result = ReconcileResult()
        for runID in try query.runIDs(in: connection) {
          result.candidates += 1
          guard let change = try assess(runID: runID, in: connection) else {
            result.skipped += 1
            continue
          }
          result.changes.append(change)
        }
        return result
      }
    }
    let runIDs = try database.pool.read { connection in try query.runIDs(in: connection) }
    var result = ReconcileResult(candidates: runIDs.count)
    for runID in runIDs {
      if let change = try apply(runID: runID) {
        result.reconciled += 1
        result.changes.append(change)
      } else {
        result.skipped += 1
      }
    }
    return result
  }

  /// Batch after batch until nothing stale is left, `shouldContinue` says stop, or a batch changes nothing
  /// (so a run that keeps getting skipped cannot spin the loop). A dry run is a single batch: it writes nothing,
  /// so a second batch would find the same runs.
  public func reconcileAll(
    _ options: ReconcileOptions = ReconcileOptions(), shouldContinue: () -> Bool = { true }
  ) throws -> ReconcileResult {
    if options.dryRun { return try reconcile(options) }
    let limit = try options.resolvedLimit(policy: policy)
    var total = ReconcileResult()
    repeat {
      let batch = try reconcile(options)
      total.absorb(batch)
      if batch.candidates < limit || batch.reconciled == 0 { break }
    } while shouldContinue()
    return total
  }

  /// Assesses and applies one candidate in one transaction. Returns nil when, on this second look, there is
  /// nothing to do or the compare-and-set lost to another writer.
  func apply(runID: Int64) throws -> ReconcileChange? {
    try database.pool.writeTransaction { connection in
      guard let run = try connection.fetchRun(id: runID) else { return nil }
      let decision = ReconcileAssessment.assess(
        run, policy: policy, now: lifecycle.clock.now(), facts: try legitimacyFacts(for: run, in: connection))
      guard let plan = decision.plan else { return nil }
      let result = try lifecycle.forceFailNonTerminal(
        runID: run.id, expectedStatus: run.status, reason: plan.reason, evidence: plan.evidence,
        outcome: plan.outcome, by: actor, in: connection)
      guard result.isApplied else { return nil }
      return Self.change(for: run, plan: plan, applied: true)
    }
  }

  /// Assesses one candidate without writing.
  func assess(runID: Int64, in connection: Connection) throws -> ReconcileChange? {
    guard let run = try connection.fetchRun(id: runID) else { return nil }
    let decision = ReconcileAssessment.assess(
      run, policy: policy, now: lifecycle.clock.now(), facts: try legitimacyFacts(for: run, in: connection))
    return decision.plan.map { Self.change(for: run, plan: $0, applied: false) }
  }

  /// Reads whether the run's tenant is active and its initiator still a member of its workspace.
  func legitimacyFacts(for run: OperationRun, in connection: Connection) throws -> ExecutionLegitimacyFacts {
    var tenantActive: Bool?
    if let tenantID = run.tenantID {
      let status = try connection.queryOne("SELECT status FROM tenants WHERE id = ?", [tenantID])
      tenantActive = status?.string("status") == "active"
    }
    var initiatorMember: Bool?
    if let userID = run.initiatorUserID {
      initiatorMember =
        try connection.queryOne(
          "SELECT 1 FROM memberships WHERE user_id = ? AND workspace_id = ?", [userID, run.workspaceID])
        != nil
    }
    return ExecutionLegitimacyFacts(tenantActive: tenantActive, initiatorMember: initiatorMember)
  }

  static func change(for run: OperationRun, plan: ReconcilePlan, applied: Bool) -> ReconcileChange {
    ReconcileChange(
      applied: applied, operationRunID: run.id, type: run.type, before: plan.before, after: plan.after,
      reasonCode: plan.reason, reasonMessage: plan.reasonMessage, evidence: plan.evidence)
  }
}
