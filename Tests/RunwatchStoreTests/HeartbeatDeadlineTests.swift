import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// Two deadlines per running run: the maximum runtime from `started_at`, and — for types with
/// `heartbeat_timeout_seconds` — the heartbeat silence from the last heartbeat. Heartbeats move the stored
/// `stale_at`, the reconciler finds runs by it, and evidence says which deadline fired.
@Suite struct HeartbeatDeadlineTests {
  /// `policy.sync` with a 60 s heartbeat window inside its 1200 s maximum runtime.
  static let policy: LifecyclePolicy = {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.heartbeatTimeoutSeconds = 60
    return policy
  }()

  func storedStaleAt(_ fixture: TestFixture, _ run: OperationRun) throws -> Int64? {
    try fixture.database.pool.read { connection in
      try connection.scalar("SELECT stale_at FROM operation_runs WHERE id = ?", [run.id])
    }
  }

  func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

  @Test func aHeartbeatMovesTheStoredDeadlineToTheEndOfTheHeartbeatWindow() throws {
    let fixture = try TestFixture(policy: Self.policy)
    let run = try fixture.startedRun()
    let started = try #require(run.startedAt)
    #expect(try storedStaleAt(fixture, run) == milliseconds(started.addingTimeInterval(60)))
    fixture.clock.advance(by: 45)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 1], by: fixture.worker)
    let beat = fixture.clock.now()
    #expect(try storedStaleAt(fixture, run) == milliseconds(beat.addingTimeInterval(60)))
    // Near the ceiling the maximum runtime is the earlier deadline and heartbeats no longer move it.
    fixture.clock.advance(by: 1_150)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 2], by: fixture.worker)
    #expect(try storedStaleAt(fixture, run) == milliseconds(started.addingTimeInterval(1_200)))
  }

  @Test func aHeartbeatingRunPastItsHeartbeatWindowButInsideItsCeilingStaysFresh() throws {
    let fixture = try TestFixture(policy: Self.policy)
    try fixture.addMembership()
    let run = try fixture.startedRun()
    // Ten heartbeat windows of work, reporting every 30 s.
    for step in 1...20 {
      fixture.clock.advance(by: 30)
      let beat = try fixture.lifecycle.heartbeat(
        runID: run.id, summaryCounts: ["processed": Int64(step)], by: fixture.worker)
      #expect(beat.isApplied)
      #expect(try fixture.reconciler().reconcile().reconciled == 0)
    }
    let stored = try fixture.stored(run)
    #expect(stored.freshness(policy: Self.policy, now: fixture.clock.now()) == .freshActive)
    let done = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    #expect(done.isApplied)
    #expect(try fixture.stored(run).reconciliation == nil)
  }

  @Test func aSilentRunPastItsHeartbeatWindowIsStaleWithDeadlineHeartbeat() throws {
    let fixture = try TestFixture(policy: Self.policy)
    try fixture.addMembership()
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 20)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 5], by: fixture.worker)
    let lastBeat = fixture.clock.now()
    fixture.clock.advance(by: 59)
    #expect(try fixture.reconciler().reconcile().reconciled == 0)
    #expect(try fixture.stored(run).freshness(policy: Self.policy, now: fixture.clock.now()) == .freshActive)
    fixture.clock.advance(by: 1)
    #expect(try fixture.stored(run).freshness(policy: Self.policy, now: fixture.clock.now()) == .likelyStale)

    let result = try fixture.reconciler().reconcile()
    #expect(result.reconciled == 1)
    let reconciliation = try #require(try fixture.stored(run).reconciliation)
    #expect(reconciliation.reason == .staleRunning)
    #expect(reconciliation.evidence["deadline"] == "heartbeat")
    #expect(reconciliation.evidence["threshold_seconds"] == 60)
    #expect(reconciliation.evidence["reference_time"] == .timestamp(lastBeat))
    #expect(reconciliation.evidence["stale_at"] == .timestamp(lastBeat.addingTimeInterval(60)))
    #expect(ReasonCatalog.describe(reconciliation).label == "Stopped reporting progress")
    let failure = try #require(try fixture.stored(run).failures.first)
    #expect(failure.message == ReasonCatalog.describe(.staleRunning, deadline: .heartbeat).explanation)
    let notification = try #require(try fixture.database.notifications(forUser: fixture.userID).first)
    #expect(notification.title.hasSuffix("failed: stopped reporting progress"))
  }

  @Test func aHeartbeatingRunPastItsCeilingIsStaleWithDeadlineMaxRuntime() throws {
    let fixture = try TestFixture(policy: Self.policy)
    try fixture.addMembership()
    let run = try fixture.startedRun()
    let started = try #require(run.startedAt)
    for _ in 1...40 {
      fixture.clock.advance(by: 30)
      _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: [:], by: fixture.worker)
    }
    // 1200 s after the start: the ceiling, although the last heartbeat was just now.
    #expect(try fixture.stored(run).freshness(policy: Self.policy, now: fixture.clock.now()) == .likelyStale)
    #expect(try fixture.reconciler().reconcile().reconciled == 1)
    let reconciliation = try #require(try fixture.stored(run).reconciliation)
    #expect(reconciliation.evidence["deadline"] == "max_runtime")
    #expect(reconciliation.evidence["threshold_seconds"] == 1200)
    #expect(reconciliation.evidence["reference_time"] == .timestamp(started))
    #expect(ReasonCatalog.describe(reconciliation).label == "Ran past its longest allowed time")
    // The worker's next heartbeat is refused and kept: it must stop.
    let late = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: [:], by: fixture.worker)
    #expect(late.refusal?.reason == .alreadyTerminal)
  }

  @Test func aTypeWithoutAHeartbeatWindowBehavesExactlyAsBefore() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    let started = try #require(run.startedAt)
    let before = try storedStaleAt(fixture, run)
    #expect(before == milliseconds(started.addingTimeInterval(1_200)))
    fixture.clock.advance(by: 600)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["processed": 1], by: fixture.worker)
    #expect(try storedStaleAt(fixture, run) == before, "heartbeats never move a ceiling-only deadline")
    fixture.clock.advance(by: 599)
    #expect(try fixture.reconciler().reconcile().reconciled == 0)
    fixture.clock.advance(by: 1)
    #expect(try fixture.reconciler().reconcile().reconciled == 1)
    #expect(try fixture.stored(run).reconciliation?.evidence["deadline"] == "max_runtime")
  }

  @Test func changingThePolicyRecomputesDeadlinesFromTheLastHeartbeat() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    let started = try #require(run.startedAt)
    fixture.clock.advance(by: 100)
    _ = try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: [:], by: fixture.worker)
    let beat = fixture.clock.now()
    let reopened = try RunwatchDatabase(location: fixture.location, policy: Self.policy)
    let stored = try #require(try reopened.run(id: run.id))
    #expect(stored.staleDeadline(policy: Self.policy) == beat.addingTimeInterval(60))
    #expect(
      try reopened.pool.read { try $0.scalar("SELECT stale_at FROM operation_runs WHERE id = ?", [run.id]) }
        == milliseconds(beat.addingTimeInterval(60)))
    // And back: without the window only the ceiling is left.
    let again = try RunwatchDatabase(location: fixture.location, policy: .builtIn)
    #expect(
      try again.pool.read { try $0.scalar("SELECT stale_at FROM operation_runs WHERE id = ?", [run.id]) }
        == milliseconds(started.addingTimeInterval(1_200)))
  }

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's query plans (EXPLAIN QUERY PLAN)"))
  func theStaleQueryStillWalksThePartialIndexWithHeartbeatDeadlines() throws {
    let fixture = try TestFixture(policy: Self.policy)
    for _ in 0..<20 { _ = try fixture.startedRun() }
    let query = CandidateQuery(
      options: ReconcileOptions(), policy: Self.policy, limit: 100, now: fixture.clock.now())
    let types = Self.policy.reconcilableTypes
    let plan = try fixture.database.pool.read { connection in
      try connection.query(
        "EXPLAIN QUERY PLAN " + query.staleProbeSQL(typeCount: types.count, engine: SQLiteSQL()),
        query.staleProbeArguments(types)
      ).compactMap { $0.string("detail") }
    }
    #expect(plan.contains { $0.contains("USING INDEX runs_active_by_stale_at (stale_at<?)") }, "\(plan)")
    #expect(!plan.contains { $0.hasPrefix("SCAN operation_runs") && !$0.contains("INDEX") }, "\(plan)")
  }
}
