import Foundation
import RunwatchCore
import SQLiteDB
import Synchronization
import TestStorage
import Testing

@testable import RunwatchStore

/// The reconciler applies changes several to a write transaction: a crash rolls back the open transaction
/// whole (whole runs, never half of one), committed transactions stay, and results stay bounded.
@Suite struct ReconcilerBatchTests {
  struct InjectedCrash: Error {}

  /// Every run is either untouched (active, no reconciliation audit event, no notification) or fully
  /// reconciled (completed with a reason, exactly one audit event, exactly one notification).
  static func expectWholeRuns(_ fixture: TestFixture, _ runs: [OperationRun]) throws -> (
    healed: Int, untouched: Int
  ) {
    let connection = try TestStorage.connect(fixture.location)
    var healed = 0
    var untouched = 0
    for run in runs {
      let row = try #require(
        try connection.queryOne(
          "SELECT status, reconciliation_reason FROM operation_runs WHERE id = ?", [run.id]))
      let audits = try connection.scalar(
        "SELECT COUNT(*) FROM audit_events WHERE run_id = ? AND action = 'run.reconciled'", [run.id])
      let notifications = try connection.scalar(
        "SELECT COUNT(*) FROM notifications WHERE run_id = ?", [run.id])
      if row.string("status") == "completed" {
        #expect(row.string("reconciliation_reason") != nil)
        #expect(audits == 1 && notifications == 1, "run \(run.id) reconciled but incomplete")
        healed += 1
      } else {
        #expect(row.string("reconciliation_reason") == nil)
        #expect(audits == 0 && notifications == 0, "run \(run.id) untouched but has traces")
        untouched += 1
      }
    }
    return (healed, untouched)
  }

  @Test func aCrashInsideABatchRollsBackTheOpenTransactionWholeAndKeepsCommittedOnes() throws {
    let fixture = try TestFixture()
    let runs = try (0..<10).map { _ in try fixture.createRun() }
    fixture.clock.advance(by: 1_000)
    // The sixth notification fails: the second transaction (runs 5–8) has already written run 5 in full.
    let notifications = Mutex(0)
    let faults = LifecycleFaults(afterStep: { step in
      guard step == .notificationRecorded else { return }
      let count = notifications.withLock { count in
        count += 1
        return count
      }
      if count == 6 { throw InjectedCrash() }
    })
    let crashing = Reconciler(
      lifecycle: LifecycleService(database: fixture.database, clock: fixture.clock, faults: faults),
      actor: .scheduledReconciler, transactionRuns: 4, transactionBudget: .seconds(60))
    #expect(throws: InjectedCrash.self) { try crashing.reconcile() }
    let (healed, untouched) = try Self.expectWholeRuns(fixture, runs)
    #expect(healed == 4, "the first transaction committed")
    #expect(untouched == 6, "the open transaction, including its fully written run, rolled back")
    #expect(try fixture.stored(runs[3]).status == .completed)
    #expect(try fixture.stored(runs[4]).status == .queued)

    let rest = try fixture.reconciler().reconcileAll()
    #expect(rest.reconciled == 6)
    #expect(try Self.expectWholeRuns(fixture, runs) == (10, 0))
  }

  @Test func transactionsCloseAfterTheirRunLimitAndEveryRunIsAppliedOnce() throws {
    let fixture = try TestFixture()
    let runs = try (0..<25).map { _ in try fixture.createRun() }
    fixture.clock.advance(by: 1_000)
    let reconciler = Reconciler(
      lifecycle: fixture.lifecycle, actor: .scheduledReconciler, transactionRuns: 3,
      transactionBudget: .seconds(60))
    let result = try reconciler.reconcile(ReconcileOptions(limit: 100))
    #expect(result.candidates == 25)
    #expect(result.reconciled == 25)
    #expect(result.changes.map(\.operationRunID).sorted() == runs.map(\.id).sorted())
    #expect(try Self.expectWholeRuns(fixture, runs) == (25, 0))
  }

  @Test func aLongHealKeepsCountsOfEverythingButListsABoundedNumberOfChanges() throws {
    var policy = LifecyclePolicy.builtIn
    policy.reconcile.batchLimit = 200
    let fixture = try TestFixture(policy: policy)
    let total = ReconcileResult.listedChangeLimit + 150
    try fixture.database.pool.writeTransaction { connection in
      for _ in 0..<total {
        _ = try fixture.lifecycle.create(
          NewRun(
            workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id, initiatorUserID: nil,
            type: "policy.sync"), by: fixture.worker, in: connection)
      }
    }
    fixture.clock.advance(by: 1_000)
    let result = try fixture.reconciler().reconcileAll()
    #expect(result.reconciled == total)
    #expect(result.candidates == total)
    #expect(result.changes.count == ReconcileResult.listedChangeLimit)
    #expect(result.unlistedChanges == 150)
    #expect(try fixture.auditCount(action: "run.reconciled") == total)
  }
}
