import Foundation
import RunwatchCore
import StorageEngine
import TestStorage
import Testing

@testable import RunwatchStore

/// `run_durations` (how long finished runs took) is maintained beside the rollups and always equals a
/// recomputation; the insights query reads rollups, durations and the stale runs within the viewer's scope.
@Suite struct RunDurationsTests {
  @Test func bucketsAndPercentilesReadLikeAPrometheusHistogram() {
    #expect(RunDurations.bucket(milliseconds: 0) == 0)
    #expect(RunDurations.bucket(milliseconds: 99) == 0)
    #expect(RunDurations.bucket(milliseconds: 100) == 1)
    #expect(RunDurations.bucket(milliseconds: 59_999) == 8)
    #expect(RunDurations.bucket(milliseconds: 60_000) == 9)
    #expect(RunDurations.bucket(milliseconds: 90_000_000) == RunDurations.upperBounds.count)
    #expect(RunDurations.quantile(0.5, of: [:]) == nil)
    // 10 runs between 30 s and 60 s: the median is half-way through that bucket.
    #expect(RunDurations.quantile(0.5, of: [8: 10]) == 45)
    // 90 quick runs (< 100 ms) and 10 slow ones (1–2 h): p50 is quick, p95 half-way through the slow bucket.
    let mixed = [0: Int64(90), 14: 10]
    #expect(RunDurations.quantile(0.5, of: mixed)! < 0.1)
    #expect(RunDurations.quantile(0.95, of: mixed) == 5_400)
    // Beyond the last bound there is no upper edge: the answer is its lower bound.
    #expect(RunDurations.quantile(0.99, of: [RunDurations.upperBounds.count: 3]) == 86_400)
  }

  static let durationRows =
    "SELECT workspace_id, hour, tenant_id, type, bucket, runs FROM run_durations ORDER BY 1, 2, 3, 4, 5"
  /// Every maintained insights table, for comparing with a recomputation.
  static let insightsTables = [
    durationRows,
    "SELECT workspace_id, day, tenant_id, type, bucket, runs FROM run_durations_daily ORDER BY 1, 2, 3, 4, 5",
    "SELECT workspace_id, day, tenant_id, type, outcome, reason, runs FROM run_rollups_daily ORDER BY 1, 2, 3, 4, 5, 6",
  ]

  @Test func maintainedDurationsEqualARecomputationAndSkipRunsWithoutAWorkersFinish() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    // Worker-finished runs of 5 s, 40 s, 3 min and 2 h; a run cancelled while queued; a failure after 40 s.
    for seconds in [5.0, 40, 180, 7_200] {
      let run = try fixture.startedRun()
      fixture.clock.advance(by: seconds)
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    }
    let cancelled = try fixture.createRun()
    fixture.clock.advance(by: 30)
    _ = try fixture.lifecycle.complete(runID: cancelled.id, outcome: .cancelled, by: fixture.worker)
    let failing = try fixture.startedRun(tenant: fixture.otherTenant)
    fixture.clock.advance(by: 40)
    _ = try fixture.lifecycle.fail(
      runID: failing.id, failures: [RunFailure(code: "x", message: "y")], by: fixture.worker)
    // A run whose worker died: reconciled, so it has no duration.
    _ = try fixture.startedRun()
    fixture.clock.advance(by: 20_000)
    #expect(try fixture.reconciler().reconcileAll().reconciled == 1)

    let maintained = try fixture.database.pool.read { connection in
      try connection.query(Self.durationRows).map(RunRollupsTests.describe)
    }
    // One run in each of the buckets of 5 s, 40 s (twice: Contoso and Fabrikam), 3 min and 2 h.
    let buckets = maintained.flatMap { row -> [Int] in
      let fields = row.split(separator: "|")
      return Array(repeating: Int(fields[4])!, count: Int(fields[5])!)
    }
    #expect(buckets.sorted() == [6, 8, 8, 10, 15])
    let all = try fixture.database.pool.read { connection in
      try Self.insightsTables.flatMap { try connection.query($0).map(RunRollupsTests.describe) }
    }
    #expect(all.count > maintained.count + 4, "daily rows too")
    let recomputed: [String]
    do {
      try fixture.database.pool.write { connection in
        try connection.transaction {
          try RunRollups.rebuild(in: connection)
          throw RunRollupsTests.Recomputed(
            rows: try Self.insightsTables.flatMap { try connection.query($0).map(RunRollupsTests.describe) })
        }
      }
      recomputed = []
    } catch let result as RunRollupsTests.Recomputed {
      recomputed = result.rows
    }
    #expect(all == recomputed)
  }

  @Test func insightsCountEachTypeWithinTheScopeBucketByBucket() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    // Start a minute into an hour, so the first runs share one hourly bucket.
    let offset = 3_600 - fixture.clock.now().timeIntervalSince1970.truncatingRemainder(dividingBy: 3_600)
    fixture.clock.advance(by: offset + 60)
    let start = fixture.clock.now()
    // Hour 0: two syncs succeed in Contoso (10 s and 50 s), one fails in Fabrikam.
    for seconds in [10.0, 50] {
      let run = try fixture.startedRun()
      fixture.clock.advance(by: seconds)
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    }
    let failing = try fixture.startedRun(tenant: fixture.otherTenant)
    _ = try fixture.lifecycle.fail(
      runID: failing.id, failures: [RunFailure(code: "x", message: "y")], by: fixture.worker)
    // A restore is reconciled hours later; another sync is left likely stale.
    _ = try fixture.startedRun(type: "restore.execute")
    fixture.clock.advance(by: 3 * 3_600)
    #expect(try fixture.reconciler().reconcileAll().reconciled == 1)
    _ = try fixture.createRun()
    fixture.clock.advance(by: 2 * 3_600)
    let now = fixture.clock.now()
    let range = InsightsRange(endingAt: now, bucketSeconds: 3_600, buckets: 24)
    #expect(range.since <= start && range.since > start.addingTimeInterval(-3_600 * 24))

    let everything = try fixture.database.insights(
      scope: RunScope(workspaceID: fixture.workspace.id), tenantID: nil, range: range,
      types: ["restore.execute", "policy.sync", "baseline_capture"], now: now)
    #expect(everything.map(\.type) == ["restore.execute", "policy.sync", "baseline_capture"])
    let sync = everything[1]
    #expect(sync.total.succeeded == 2 && sync.total.failed == 1 && sync.total.reconciled == 0)
    #expect(sync.total.finished == 3)
    #expect(sync.staleNow == 1)
    #expect(sync.durations.values.reduce(0, +) == 3)
    #expect(sync.p50Seconds.map { $0 >= 5 && $0 <= 60 } == true)
    let firstBucket = try #require(range.index(of: start))
    #expect(sync.series[firstBucket].finished == 3)
    #expect(sync.series.map(\.finished).reduce(0, +) == 3)
    let restore = everything[0]
    #expect(restore.total.reconciled == 1 && restore.total.finished == 1)
    #expect(restore.reasons == ["run.stale_running": 1])
    #expect(restore.durations.isEmpty, "a reconciled run has no duration")
    #expect(everything[2].total.finished == 0 && everything[2].series.count == 24)
    // Daily bars (the daily tables) count the same runs.
    let week = InsightsRange(endingAt: now, bucketSeconds: 86_400, buckets: 7)
    let weekly = try fixture.database.insights(
      scope: RunScope(workspaceID: fixture.workspace.id), tenantID: nil, range: week,
      types: ["restore.execute", "policy.sync"], now: now)
    #expect(weekly.map(\.total) == everything.prefix(2).map(\.total))
    #expect(weekly.map(\.durations) == everything.prefix(2).map(\.durations))
    #expect(weekly[1].series.count == 7 && weekly[1].series.map(\.finished).reduce(0, +) == 3)

    // Only Contoso, restores hidden: Fabrikam's failure and the restore disappear.
    let contoso = try fixture.database.insights(
      scope: RunScope(
        workspaceID: fixture.workspace.id, tenantIDs: [fixture.tenant.id], includesWorkspaceLevelRuns: false,
        hiddenTypes: ["restore.execute"]), tenantID: nil, range: range,
      types: ["restore.execute", "policy.sync"],
      now: now)
    #expect(contoso.map(\.type) == ["policy.sync"])
    #expect(contoso[0].total.finished == 2 && contoso[0].total.failed == 0)
    // The tenant filter narrows the same way.
    let fabrikam = try fixture.database.insights(
      scope: RunScope(workspaceID: fixture.workspace.id), tenantID: fixture.otherTenant.id, range: range,
      types: ["policy.sync"], now: now)
    #expect(fabrikam[0].total.failed == 1 && fabrikam[0].total.succeeded == 0 && fabrikam[0].staleNow == 0)
  }
}
