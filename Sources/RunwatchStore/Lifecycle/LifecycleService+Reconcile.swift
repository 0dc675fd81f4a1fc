import Foundation
import RunwatchCore
import SQLiteDB

// The reconciler's transition: it has just read the run in the same transaction, so it completes that run
// without reading it again. The compare-and-set in `finish` still guards the status it read.
extension LifecycleService {
  /// Completes `run` (as read inside this transaction) the way `plan` says, on the lifecycle's authority.
  func reconcile(_ run: OperationRun, plan: ReconcilePlan, by actor: Actor, in connection: Connection) throws
    -> TransitionResult
  {
    if run.status.isTerminal { return .refused(Refusal(reason: .alreadyTerminal, run: run)) }
    let reconciliation = Reconciliation(
      reason: plan.reason, source: actor.source, evidence: plan.evidence, reconciledAt: clock.now())
    let failures = plan.outcome == .failed ? [operatorFailure(reconciliation)] : []
    return try finish(
      run, outcome: plan.outcome, counts: run.summaryCounts, failures: failures,
      reconciliation: reconciliation,
      action: .runReconciled, actor: actor, in: connection)
  }
}
