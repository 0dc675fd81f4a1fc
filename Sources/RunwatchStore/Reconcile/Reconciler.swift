import Dispatch
import Foundation
import RunwatchCore
import StorageEngine

/// Heals runs whose worker died: finds stale or out-of-sync active runs and completes each one through the
/// lifecycle service, with reason, evidence, audit event and notification.
///
/// Candidates are read in one short read transaction. They are then assessed again and applied in short write
/// transactions of several runs each (at most `transactionRuns`, and closed once `transactionBudget` has
/// passed), each run its own compare-and-set with its audit event and notification. So a run finished by its
/// worker in between is skipped, a crash rolls back at most the open transaction — whole runs, never half of
/// one — and the write lock is never held for long enough to keep a worker's heartbeat waiting more than a few
/// milliseconds. The WAL is copied back off the writers' path as it grows (`WALCheckpointer`).
public final class Reconciler: Sendable {
  /// The lifecycle service that performs every status change.
  public let lifecycle: LifecycleService
  /// Who the audit log names: `Actor.scheduledReconciler` for the loop, `Actor.cliReconciler` for the CLI.
  public let actor: Actor

  /// Most runs applied in one write transaction.
  let transactionRuns: Int
  /// A write transaction is committed once it has been open this long (after the run in hand).
  let transactionBudget: Duration
  /// Runs that failed lately, left out of batches for a while so they cannot block the others.
  let failedRuns = FailedRunSkipList()
  /// Where chunks are prepared, one ahead of the writes.
  private let preparer = DispatchQueue(label: "runwatch.reconcile.prepare")

  /// Creates a reconciler acting as `actor`: chunks of at most 50 runs, written in transactions of about
  /// 2 ms (the longest a worker's heartbeat waits behind the reconciler).
  public convenience init(lifecycle: LifecycleService, actor: Actor) {
    self.init(lifecycle: lifecycle, actor: actor, transactionRuns: 50, transactionBudget: .milliseconds(2))
  }

  /// Creates a reconciler with its own transaction bounds (crash tests pin them to make batches exact).
  init(lifecycle: LifecycleService, actor: Actor, transactionRuns: Int, transactionBudget: Duration) {
    self.lifecycle = lifecycle
    self.actor = actor
    self.transactionRuns = max(1, transactionRuns)
    self.transactionBudget = transactionBudget
  }

  private var database: RunwatchDatabase { lifecycle.database }
  private var policy: LifecyclePolicy { lifecycle.policy }

  /// One batch: assesses at most `limit` candidates and applies (or, in a dry run, reports) their changes.
  /// A run that cannot be handled (an undecodable row…) is counted in `failed`, left as it was and, outside a
  /// dry run, left out of batches for a while; the others go on. Throws `StoreError.invalid` for bad options
  /// before reading anything; rethrows transient storage errors (changes already committed stay committed, the
  /// open transaction is rolled back whole).
  public func reconcile(_ options: ReconcileOptions = ReconcileOptions()) throws -> ReconcileResult {
    if options.dryRun { return try reconcileBatch(options, after: nil).result }
    return try leased { try reconcileBatch(options, after: nil).result }
  }

  /// The database-wide lease a reconciler holds while it writes (see `leased`).
  static let leaseKey: Int64 = 72_367_111

  /// Runs `body` holding the reconcile lease, or returns a result saying another instance holds it. Every
  /// instance of a shared database runs its loop; the one whose tick takes the lease heals, the others
  /// yield until their next tick. So two instances never prepare and write the same runs, and when the
  /// healer dies its session ends, the lease with it, and a survivor takes over at its next tick.
  private func leased(_ body: () throws -> ReconcileResult) throws -> ReconcileResult {
    if let result = try database.pool.withLease(Self.leaseKey, body) { return result }
    var yielded = ReconcileResult()
    yielded.yieldedToAnotherInstance = true
    return yielded
  }

  /// One batch of stale runs after `position` (see `CandidateQuery`): its result, where the walk stopped, and
  /// whether it reached the last stale run.
  func reconcileBatch(_ options: ReconcileOptions, after position: StaleRunPosition?) throws
    -> (result: ReconcileResult, position: StaleRunPosition?, exhausted: Bool)
  {
    let limit = try options.resolvedLimit(policy: policy)
    let now = lifecycle.clock.now()
    if options.dryRun {
      let query = CandidateQuery(options: options, policy: policy, limit: limit, now: now)
      return try database.pool.read { connection in
        let batch = try query.batch(after: position, in: connection)
        var result = ReconcileResult()
        var facts = LegitimacyFactsCache()
        for runID in batch.runIDs {
          result.candidates += 1
          let change: ReconcileChange?
          do {
            change = try assess(runID: runID, facts: &facts, in: connection)
          } catch let error where Self.isRunFailure(error) {
            result.recordFailure(runID: runID, error: error)
            continue
          }
          guard let change else {
            result.skipped += 1
            continue
          }
          result.record(change)
        }
        return (result, batch.position, batch.exhausted)
      }
    }
    // Runs that failed lately are left out; the query reads as many more so the batch stays full.
    let skipped = failedRuns.skipped(at: now)
    let query = CandidateQuery(options: options, policy: policy, limit: limit, now: now)
    let batch = try database.pool.read { connection in
      try query.batch(after: position, excluding: skipped, in: connection)
    }
    let runIDs = batch.runIDs
    var result = ReconcileResult(candidates: runIDs.count)
    // Chunks are read, assessed and rendered with no lock held, on a helper thread, one chunk ahead of the
    // writes here: while this thread writes chunk n, chunk n + 1 is being prepared on the other core.
    let chunks = stride(from: 0, to: runIDs.count, by: transactionRuns).map {
      runIDs[$0..<min($0 + transactionRuns, runIDs.count)]
    }
    var next = chunks.first.map(startPreparing)
    // A chunk still being prepared when this returns (a storage fault) is waited for: nothing outlives a tick.
    defer { next?.wait() }
    for index in chunks.indices {
      guard let current = next else { break }
      current.wait()
      next = index + 1 < chunks.count ? startPreparing(chunks[index + 1]) : nil
      let (assessed, writes) = try current.result()
      result.absorb(assessed)
      var unwritten = writes[...]
      var batching = true
      while !unwritten.isEmpty {
        do {
          // Figures of one transaction count only once it has committed.
          let (committed, rest) = try database.pool.writeTransaction { connection in
            try writeSome(unwritten, batching: batching, in: connection)
          }
          result.absorb(committed)
          unwritten = rest
        } catch is BatchWriteFailure {
          // Some run broke the statement written for all of them: run by run now, which finds it.
          batching = false
        } catch let failure as RunWriteFailure {
          // That transaction rolled back whole; the others in it are written again without the failed run.
          result.recordFailure(runID: failure.runID, error: failure.error)
          failedRuns.skip(failure.runID, at: lifecycle.clock.now())
          unwritten.removeAll { $0.change.operationRunID == failure.runID }
        }
      }
    }
    return (result, batch.position, batch.exhausted)
  }

  /// A chunk being prepared on the helper queue.
  ///
  /// `@unchecked Sendable`: `outcome` is written once on the helper queue before `done` is signalled, and read
  /// only after `wait()` has seen that signal; `waited` is only touched by the waiting thread.
  final class PreparingChunk: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var waited = false
    fileprivate var outcome: Result<(ReconcileResult, [PreparedChange]), any Error>?

    /// Waits until the chunk is prepared (returns at once after the first time).
    func wait() {
      guard !waited else { return }
      done.wait()
      waited = true
    }

    fileprivate func finish(_ outcome: Result<(ReconcileResult, [PreparedChange]), any Error>) {
      self.outcome = outcome
      done.signal()
    }

    /// The prepared chunk, or the error preparing it threw. Call after `wait()`.
    func result() throws -> (ReconcileResult, [PreparedChange]) {
      guard let outcome else { preconditionFailure("result() before wait()") }
      return try outcome.get()
    }
  }

  /// Starts preparing `chunk` in a read transaction of its own on the helper queue.
  private func startPreparing(_ chunk: ArraySlice<Int64>) -> PreparingChunk {
    let preparing = PreparingChunk()
    preparer.async { [self] in
      preparing.finish(Result { try database.pool.read { connection in try prepare(chunk, in: connection) } })
    }
    return preparing
  }

  /// One candidate's terminal write, rendered from the row as read, with the change it makes.
  struct PreparedChange {
    let write: TerminalWrite
    let change: ReconcileChange
  }

  /// Reads and assesses `runIDs` in the caller's read transaction and renders the terminal write of each run
  /// that needs one. Runs with nothing to do count as skipped; a run that cannot be read is counted, listed and
  /// left out for a while.
  func prepare(_ runIDs: ArraySlice<Int64>, in connection: any DatabaseConnection) throws
    -> (ReconcileResult, [PreparedChange])
  {
    var result = ReconcileResult()
    var facts = LegitimacyFactsCache()
    var writes: [PreparedChange] = []
    writes.reserveCapacity(runIDs.count)
    let rows = try connection.fetchRowsForReconciling(ids: runIDs)
    for runID in runIDs {
      do {
        guard let row = rows[runID], case let run = try OperationRun(row: row),
          let plan = ReconcileAssessment.assess(
            run, policy: policy, now: lifecycle.clock.now(), facts: try facts.facts(for: run, in: connection)
          ).plan,
          let write = lifecycle.prepareReconcile(run, plan: plan, by: actor)
        else {
          result.skipped += 1
          continue
        }
        writes.append(PreparedChange(write: write, change: Self.change(for: run, plan: plan, applied: true)))
      } catch let error where Self.isRunFailure(error) {
        result.recordFailure(runID: runID, error: error)
        failedRuns.skip(runID, at: lifecycle.clock.now())
      }
    }
    return (result, writes)
  }

  /// Writes prepared changes from the front of `writes` inside one open write transaction until it has run for
  /// `transactionBudget` or holds `transactionRuns` runs; returns what it did and the changes left. Each run is
  /// a compare-and-set on every field its assessment read: a run that changed since (a late heartbeat) is
  /// skipped. A run whose write fails on its own data throws `RunWriteFailure`, which rolls the transaction back
  /// whole (no savepoint per run: journaling each run's pages cost more than redoing a rare failed batch).
  ///
  /// With `batching`, on an engine where each statement is a round trip (PostgreSQL), the transaction's runs
  /// are written by `LifecycleService.applyAll` in three statements; a run-level failure there throws
  /// `BatchWriteFailure`, and the caller writes the same runs again one by one.
  func writeSome(
    _ writes: ArraySlice<PreparedChange>, batching: Bool = true, in connection: any DatabaseConnection
  ) throws -> (ReconcileResult, ArraySlice<PreparedChange>) {
    let began = ContinuousClock.now
    var result = ReconcileResult()
    var tally = RunRollupTally()
    if batching {
      let head = writes.prefix(transactionRuns)
      let won: Set<Int64>?
      do {
        won = try lifecycle.applyAll(head.map(\.write), tally: &tally, in: connection)
      } catch let error where Self.isRunFailure(error) {
        throw BatchWriteFailure(error: error)
      }
      if let won {
        for prepared in head {
          if won.contains(prepared.change.operationRunID) {
            result.reconciled += 1
            result.record(prepared.change)
          } else {
            result.skipped += 1
          }
        }
        try tally.write(in: connection)
        return (result, writes.dropFirst(head.count))
      }
    }
    var rest = writes
    var applied = 0
    while let prepared = rest.popFirst() {
      let outcome: TransitionResult
      do {
        outcome = try lifecycle.apply(prepared.write, guard: .assessedFields, tally: &tally, in: connection)
      } catch let error where Self.isRunFailure(error) {
        throw RunWriteFailure(runID: prepared.change.operationRunID, error: error)
      }
      if outcome.isApplied {
        result.reconciled += 1
        result.record(prepared.change)
      } else {
        result.skipped += 1
      }
      applied += 1
      if applied >= transactionRuns || ContinuousClock.now - began >= transactionBudget { break }
    }
    try tally.write(in: connection)
    return (result, rest)
  }

  /// A statement writing many runs at once failed on the data of one of them (which, it does not say); the
  /// transaction it was in is rolled back and its runs are written again one by one.
  struct BatchWriteFailure: Error {
    let error: any Error
  }

  /// One run's write failed on its own data; the transaction it was in is rolled back.
  struct RunWriteFailure: Error {
    let runID: Int64
    let error: any Error
  }

  /// Batch after batch until the walk through the stale runs reaches the end or `shouldContinue` says stop. A
  /// dry run is a single batch: it writes nothing, so a second batch would find the same runs. The result keeps
  /// counts of everything but only the first `ReconcileResult.listedChangeLimit` changes, so a heal of any
  /// size takes bounded memory.
  public func reconcileAll(
    _ options: ReconcileOptions = ReconcileOptions(), shouldContinue: () -> Bool = { true }
  ) throws -> ReconcileResult {
    if options.dryRun { return try reconcile(options) }
    return try leased { try reconcileEverything(options, shouldContinue: shouldContinue) }
  }

  private func reconcileEverything(_ options: ReconcileOptions, shouldContinue: () -> Bool) throws
    -> ReconcileResult
  {
    var total = ReconcileResult()
    var position: StaleRunPosition?
    repeat {
      let batch = try reconcileBatch(options, after: position)
      total.absorb(batch.result)
      // The walk only moves forward, so a stale run that keeps getting skipped cannot spin the loop; a batch
      // of out-of-sync runs only (the walk did not move) goes on while it changes something.
      if batch.exhausted || (batch.position == position && batch.result.reconciled == 0) { break }
      position = batch.position
    } while shouldContinue()
    return total
  }

  /// Whether `error` belongs to one run's data (an undecodable row, a constraint it trips) rather than to the
  /// storage or the process: a transient SQLite fault (disk full, I/O error, busy) would hit every other run the
  /// same way, and anything else (an injected crash) must end the tick, so both are rethrown.
  static func isRunFailure(_ error: any Error) -> Bool {
    if error is StoreError { return true }
    if let error = error as? any DatabaseFault { return !error.isTransient }
    return false
  }

  /// Assesses and applies one candidate in a write transaction of its own.
  func apply(runID: Int64) throws -> ReconcileChange? {
    try database.pool.writeTransaction { connection in
      var facts = LegitimacyFactsCache()
      return try apply(runID: runID, facts: &facts, in: connection)
    }
  }

  /// Assesses and applies one candidate inside the caller's write transaction. Returns nil when, on this
  /// second look, there is nothing to do or the compare-and-set lost to another writer.
  func apply(runID: Int64, facts: inout LegitimacyFactsCache, in connection: any DatabaseConnection) throws
    -> ReconcileChange?
  {
    guard let run = try connection.fetchRunForUpdate(id: runID) else { return nil }
    let decision = ReconcileAssessment.assess(
      run, policy: policy, now: lifecycle.clock.now(), facts: try facts.facts(for: run, in: connection))
    guard let plan = decision.plan else { return nil }
    let result = try lifecycle.reconcile(run, plan: plan, by: actor, in: connection)
    guard result.isApplied else { return nil }
    return Self.change(for: run, plan: plan, applied: true)
  }

  /// Assesses one candidate without writing.
  func assess(runID: Int64, facts: inout LegitimacyFactsCache, in connection: any DatabaseConnection) throws
    -> ReconcileChange?
  {
    guard let run = try connection.fetchRun(id: runID) else { return nil }
    let decision = ReconcileAssessment.assess(
      run, policy: policy, now: lifecycle.clock.now(), facts: try facts.facts(for: run, in: connection))
    return decision.plan.map { Self.change(for: run, plan: $0, applied: false) }
  }

  static func change(for run: OperationRun, plan: ReconcilePlan, applied: Bool) -> ReconcileChange {
    ReconcileChange(
      applied: applied, operationRunID: run.id, type: run.type, before: plan.before, after: plan.after,
      reasonCode: plan.reason, reasonMessage: plan.reasonMessage, evidence: plan.evidence)
  }
}

/// Whether each run's tenant is active and its initiator still a member of its workspace, read once per tenant
/// and per (initiator, workspace) within one transaction: a batch of runs of a few tenants and initiators costs
/// a few lookups, not two per run. Lives only as long as the transaction it reads in, so it is never stale.
struct LegitimacyFactsCache {
  private var tenantActive: [Int64: Bool] = [:]
  private var memberships: [Pair: Bool] = [:]

  private struct Pair: Hashable {
    var userID: Int64
    var workspaceID: Int64
  }

  /// The facts for `run`, read through `connection` the first time they are needed.
  mutating func facts(for run: OperationRun, in connection: any DatabaseConnection) throws
    -> ExecutionLegitimacyFacts
  {
    var active: Bool?
    if let tenantID = run.tenantID {
      if let known = tenantActive[tenantID] {
        active = known
      } else {
        let status = try connection.queryOne("SELECT status FROM tenants WHERE id = ?", [tenantID])
        let value = status?.string("status") == "active"
        tenantActive[tenantID] = value
        active = value
      }
    }
    var member: Bool?
    if let userID = run.initiatorUserID {
      let pair = Pair(userID: userID, workspaceID: run.workspaceID)
      if let known = memberships[pair] {
        member = known
      } else {
        let value =
          try connection.queryOne(
            "SELECT 1 FROM memberships WHERE user_id = ? AND workspace_id = ?", [userID, run.workspaceID])
          != nil
        memberships[pair] = value
        member = value
      }
    }
    return ExecutionLegitimacyFacts(tenantActive: active, initiatorMember: member)
  }
}
