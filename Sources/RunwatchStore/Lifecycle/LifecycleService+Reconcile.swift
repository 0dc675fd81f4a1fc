import Foundation
import RunwatchCore
import StorageEngine

// The reconciler's transition: it completes the run as it read it, without reading it again. `reconcile` writes in
// the caller's transaction, guarded by the status; the reconciler's batches prepare the write outside the write
// transaction and guard it by every field the assessment read.
extension LifecycleService {
  /// Completes `run` (as read inside this transaction) the way `plan` says, on the lifecycle's authority.
  func reconcile(
    _ run: OperationRun, plan: ReconcilePlan, by actor: Actor, in connection: any DatabaseConnection
  ) throws
    -> TransitionResult
  {
    guard let write = prepareReconcile(run, plan: plan, by: actor) else {
      return .refused(Refusal(reason: .alreadyTerminal, run: run))
    }
    return try apply(write, guard: .status, in: connection)
  }

  /// The terminal write that completes `run` the way `plan` says, rendered without touching the database (the
  /// reconciler writes it later, guarded by every field it assessed); nil when `run` is already terminal.
  func prepareReconcile(_ run: OperationRun, plan: ReconcilePlan, by actor: Actor) -> TerminalWrite? {
    if run.status.isTerminal { return nil }
    let reconciliation = Reconciliation(
      reason: plan.reason, source: actor.source, evidence: plan.evidence, reconciledAt: clock.now())
    let failures = plan.outcome == .failed ? [operatorFailure(reconciliation)] : []
    // The counts stay as the worker last reported them: not rewritten (nil), so the run need not be read
    // with them.
    return prepareFinish(
      run, outcome: plan.outcome, counts: nil, failures: failures, reconciliation: reconciliation,
      action: .runReconciled, actor: actor)
  }
}
