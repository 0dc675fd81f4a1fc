import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// One run the reconciler cannot handle (an undecodable row) must not keep the rest of the fleet from healing:
/// it is counted, left as it was and left out of later batches for a while.
@Suite struct ReconcilerRunIsolationTests {
  /// PostgreSQL's typed columns refuse such a row when it is written; only SQLite's loose typing can hold one.
  static let sqliteOnly: Comment = "a row SQLite's loose typing can hold (text in a time column)"

  /// The run whose deadline sorts first is planted with a `created_at` no decoder accepts; before, it aborted
  /// the tick every time and none of the other runs healed.
  @Test(.enabled(if: TestStorage.isSQLite, Self.sqliteOnly))
  func anUndecodableRowDoesNotBlockTheOthers() throws {
    let fixture = try TestFixture()
    var runs: [OperationRun] = []
    for _ in 0..<250 { runs.append(try fixture.startedRun()) }
    let corrupt = runs[0]
    try fixture.database.pool.write { connection in
      try connection.execute("UPDATE operation_runs SET created_at = 'garbage' WHERE id = ?", [corrupt.id])
    }
    fixture.clock.advance(by: 3 * 86_400)
    let reconciler = fixture.reconciler()
    let first = try reconciler.reconcileAll()
    #expect(first.reconciled == 249)
    #expect(first.failed == 1)
    #expect(first.failures.map(\.operationRunID) == [corrupt.id])
    for run in runs.dropFirst() { #expect(try fixture.stored(run).status == .completed) }
    let status = try fixture.database.pool.read { connection in
      try connection.queryOne("SELECT status FROM operation_runs WHERE id = ?", [corrupt.id])?.string(
        "status")
    }
    #expect(status == "running", "the bad row was left as it was")

    // The next tick leaves it out instead of failing on it again; after the skip expires it is tried again.
    let second = try reconciler.reconcileAll()
    #expect(second.failed == 0 && second.candidates == 0)
    fixture.clock.advance(by: reconciler.failedRuns.retryAfter + 1)
    #expect(try reconciler.reconcileAll().failed == 1)
  }

  /// A dry run reports the bad row among its figures and still lists the other changes.
  @Test(.enabled(if: TestStorage.isSQLite, Self.sqliteOnly))
  func aDryRunCountsTheUndecodableRow() throws {
    let fixture = try TestFixture()
    let runs = try (0..<5).map { _ in try fixture.startedRun() }
    try fixture.database.pool.write { connection in
      try connection.execute("UPDATE operation_runs SET created_at = 'garbage' WHERE id = ?", [runs[0].id])
    }
    fixture.clock.advance(by: 3 * 86_400)
    let result = try fixture.reconciler().reconcile(ReconcileOptions(dryRun: true))
    #expect(result.failed == 1)
    #expect(result.changes.count == 4)
    #expect(result.reconciled == 0)
  }

  /// The skip list stays bounded: at capacity, the oldest entry makes room.
  @Test func theSkipListIsBounded() {
    let list = FailedRunSkipList(capacity: 3, retryAfter: 60)
    let now = Date(timeIntervalSince1970: 1_000)
    for (offset, id) in [1, 2, 3, 4].enumerated() {
      list.skip(Int64(id), at: now.addingTimeInterval(Double(offset)))
    }
    #expect(list.count == 3)
    #expect(list.skipped(at: now.addingTimeInterval(5)) == [2, 3, 4])
    #expect(list.skipped(at: now.addingTimeInterval(120)).isEmpty)
  }
}
