import Foundation
import RunwatchCore
import StorageEngine

/// The only code that changes a run's status or outcome. Every transition is a compare-and-set on the current
/// status inside one IMMEDIATE transaction, together with its audit event, late report or notification, so a
/// racing completion and a reconciliation can never both win and a crash never leaves half a change.
public final class LifecycleService: Sendable {
  /// The database.
  public let database: RunwatchDatabase
  /// Source of "now".
  public let clock: any TimeSource
  /// Failure injection between the steps of a terminal write (tests only; `.none` otherwise).
  let faults: LifecycleFaults
  /// Told about every transition after it committed (metrics), or nil.
  let observer: (any LifecycleObserver)?

  /// Creates the service over `database`, reading time from `clock`; `observer` hears of every committed
  /// transition (the server's metrics).
  public convenience init(
    database: RunwatchDatabase, clock: any TimeSource, observer: (any LifecycleObserver)? = nil
  ) {
    self.init(database: database, clock: clock, faults: .none, observer: observer)
  }

  /// Creates the service with a fault hook, so crash tests can fail a terminal write between its steps.
  init(
    database: RunwatchDatabase, clock: any TimeSource, faults: LifecycleFaults,
    observer: (any LifecycleObserver)? = nil
  ) {
    self.database = database
    self.clock = clock
    self.faults = faults
    self.observer = observer
  }

  /// Hands a committed result to the observer, and returns it.
  private func observed(_ result: TransitionResult) -> TransitionResult {
    observer?.committed(result)
    return result
  }

  /// The policy in force.
  public var policy: LifecyclePolicy { database.policy }

  /// Queues a new run.
  public func create(_ new: NewRun, by actor: Actor) throws -> OperationRun {
    try database.pool.writeTransaction { connection in try create(new, by: actor, in: connection) }
  }

  /// Marks a queued run as running, recording the worker that says it starts it. Refused when the run is
  /// terminal (recorded as a late report), already running, or its tenant is archived.
  public func start(runID: Int64, worker: WorkerIdentity? = nil, by actor: Actor) throws -> TransitionResult {
    observed(
      try database.pool.writeTransaction { connection in
        try start(runID: runID, worker: worker, by: actor, in: connection)
      })
  }

  /// Records progress counts on a running run (numeric counts only; merged into the stored counts).
  public func heartbeat(runID: Int64, summaryCounts: [String: Int64], by actor: Actor) throws
    -> TransitionResult
  {
    observed(
      try database.pool.writeTransaction { connection in
        try heartbeat(runID: runID, summaryCounts: summaryCounts, by: actor, in: connection)
      })
  }

  /// `heartbeat(runID:summaryCounts:by:)` for a worker holding `principal`, in one IMMEDIATE transaction that
  /// also decides access and reads what the API's run object shows: no separate read transaction first, and the
  /// answer describes exactly the state this heartbeat wrote. A missing run and a run `principal` may not see
  /// (another workspace's) are the same `.notFound`; refusals are the same as `heartbeat(runID:summaryCounts:by:)`'s.
  public func heartbeat(
    runID: Int64, summaryCounts: [String: Int64], by actor: Actor, authorizedFor principal: Principal
  ) throws -> Authorized<DetailedTransition> {
    let outcome = try database.pool.writeTransaction { connection in
      try heartbeat(
        runID: runID, summaryCounts: summaryCounts, by: actor, authorizedFor: principal, in: connection)
    }
    if case .allowed(let transition) = outcome { observer?.committed(transition.result) }
    return outcome
  }

  /// Completes a queued or running run with the worker's outcome. On a terminal run the report is refused and
  /// kept as a late report.
  public func complete(
    runID: Int64, outcome: RunOutcome, summaryCounts: [String: Int64] = [:], failures: [RunFailure] = [],
    by actor: Actor
  ) throws -> TransitionResult {
    guard outcome != .pending else { throw StoreError.invalid("a completed run needs a terminal outcome") }
    return observed(
      try database.pool.writeTransaction { connection in
        try complete(
          runID: runID, outcome: outcome, summaryCounts: summaryCounts, failures: failures, by: actor,
          in: connection)
      })
  }

  /// Completes a run as failed with the worker's failures.
  public func fail(runID: Int64, failures: [RunFailure], by actor: Actor) throws -> TransitionResult {
    try complete(runID: runID, outcome: .failed, failures: failures, by: actor)
  }

  /// The direct failure bridge: the queue says the job failed, so the run completes as failed with a
  /// reconciliation record holding what the queue said (diagnostics only).
  public func bridgeQueueFailure(runID: Int64, report: QueueFailureReport, by actor: Actor) throws
    -> TransitionResult
  {
    observed(
      try database.pool.writeTransaction { connection in
        try bridgeQueueFailure(runID: runID, report: report, by: actor, in: connection)
      })
  }

  /// An operator's way out for a stuck run: marks a likely-stale run failed with `run.resolved_by_operator`,
  /// the operator and `note` in the evidence, an audit event and the initiator's notification. Compare-and-set
  /// like every transition: a run a worker finished first is refused `alreadyTerminal` (nothing written), one
  /// that is fresh again (its worker reported) `notStale`. Who may do it is the caller's decision
  /// (`operations.resolve`).
  public func resolve(runID: Int64, note: String, operatorName: String, by actor: Actor) throws
    -> TransitionResult
  {
    observed(
      try database.pool.writeTransaction { connection in
        try resolve(runID: runID, note: note, operatorName: operatorName, by: actor, in: connection)
      })
  }

  /// Completes a non-terminal run on the lifecycle's authority (reconciler, adapter). Applies only if the run is
  /// still in `expectedStatus`; otherwise refused with `statusChanged` or `alreadyTerminal` and nothing written.
  public func forceFailNonTerminal(
    runID: Int64, expectedStatus: RunStatus, reason: ReasonCode, evidence: JSONValue,
    outcome: RunOutcome = .failed, by actor: Actor
  ) throws -> TransitionResult {
    observed(
      try database.pool.writeTransaction { connection in
        try forceFailNonTerminal(
          runID: runID, expectedStatus: expectedStatus, reason: reason, evidence: evidence, outcome: outcome,
          by: actor, in: connection)
      })
  }
}

/// Hears of every transition after it committed: the server's metrics. Called on the caller's thread, outside
/// any transaction; must not block. The reconciler's own writes reach metrics through its tick results instead.
public protocol LifecycleObserver: Sendable {
  /// A transition's result as its caller got it: applied (the run as it is now) or refused (with the late
  /// report it kept, if any).
  func committed(_ result: TransitionResult)
}
