import Foundation
import PostgresDB
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Several instances on one PostgreSQL database each run a reconcile loop; the reconcile lease lets one
/// heal at a time and hands over when the healer's session ends.
@Suite struct ReconcileLeaseTests {
  @Test(.enabled(if: TestStorage.isPostgres, "a lease between processes sharing PostgreSQL"))
  func anInstanceYieldsWhileAnotherHoldsTheLeaseAndHealsOnceItIsFree() throws {
    let fixture = try TestFixture()
    let runs = try (0..<3).map { _ in try fixture.createRun() }
    fixture.clock.advance(by: 1_000)
    let other = try RunwatchDatabase(location: fixture.location, policy: .builtIn)
    let otherReconciler = Reconciler(
      lifecycle: LifecycleService(database: other, clock: fixture.clock), actor: .scheduledReconciler)

    let whileHeld = try fixture.database.pool.withLease(Reconciler.leaseKey) {
      try otherReconciler.reconcileAll()
    }
    let yielded = try #require(whileHeld)
    #expect(yielded.yieldedToAnotherInstance)
    #expect(yielded.candidates == 0 && yielded.reconciled == 0)
    for run in runs { #expect(try fixture.stored(run).status == .queued) }

    let healed = try otherReconciler.reconcileAll()
    #expect(!healed.yieldedToAnotherInstance)
    #expect(healed.reconciled == 3)
  }

  @Test(.enabled(if: TestStorage.isPostgres, "a lease between processes sharing PostgreSQL"))
  func aHolderWhoseSessionEndsLosesTheLease() throws {
    let fixture = try TestFixture()
    _ = try fixture.createRun()
    fixture.clock.advance(by: 1_000)
    guard case .postgres(let url) = fixture.location else { return }
    var holder: PostgresConnection? = try PostgresConnection(url: url)
    _ = try holder?.queryOne(
      "SELECT pg_advisory_lock(CAST(? AS integer), hashtext(current_schema()))", [Reconciler.leaseKey])
    #expect(try fixture.reconciler().reconcileAll().yieldedToAnotherInstance)
    holder = nil  // the process died: its session, and the lock, go (the server notices within moments)
    #expect(holder == nil)
    var result = try fixture.reconciler().reconcileAll()
    let deadline = Date().addingTimeInterval(5)
    while result.yieldedToAnotherInstance, Date() < deadline {
      usleep(50_000)
      result = try fixture.reconciler().reconcileAll()
    }
    #expect(!result.yieldedToAnotherInstance && result.reconciled == 1)
  }

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's lease is always granted"))
  func onSQLiteTheLeaseIsAlwaysGranted() throws {
    let fixture = try TestFixture()
    _ = try fixture.createRun()
    fixture.clock.advance(by: 1_000)
    let result = try fixture.database.pool.withLease(Reconciler.leaseKey) {
      try fixture.reconciler().reconcileAll()
    }
    #expect(result?.yieldedToAnotherInstance == false && result?.reconciled == 1)
  }
}
