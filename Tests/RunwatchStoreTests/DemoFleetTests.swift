import Foundation
import Logging
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchDemo
@testable import RunwatchStore

@Suite("Demo fleet")
struct DemoFleetTests {
  /// A seeded database under the demo policy and a fleet on a manual clock standing at the seed's "now".
  final class Harness {
    let demo: DemoTestDatabase
    let clock = ManualTimeSource(DemoTestDatabase.now)
    let lifecycle: LifecycleService
    let fleet: DemoFleet
    let reconciler: Reconciler

    init(settings: DemoFleetSettings) throws {
      demo = try DemoTestDatabase(policy: .demo)
      try demo.seed(runs: DemoSeeder.minimumRuns(policy: .demo))
      lifecycle = LifecycleService(database: demo.database, clock: clock)
      fleet = DemoFleet(lifecycle: lifecycle, logger: Logger(label: "test.demo-fleet"), settings: settings)
      reconciler = Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler)
    }

    /// Runs the fleet for `seconds` of simulated time, with the reconciler every 10 s as in `serve --demo`.
    func run(seconds: Int) throws {
      let step = Int(fleet.settings.tickInterval)
      for elapsed in stride(from: step, through: seconds, by: step) {
        clock.advance(by: TimeInterval(step))
        fleet.tick()
        if elapsed % LifecyclePolicy.demo.reconcile.intervalSeconds == 0 { _ = try reconciler.reconcileAll() }
      }
    }

    func fleetRuns() throws -> [OperationRun] {
      try demo.database.pool.read { connection in
        try connection.query(
          """
          SELECT \(OperationRun.selectColumns) FROM operation_runs WHERE id IN
            (SELECT run_id FROM audit_events WHERE action = 'run.created' AND actor_label = 'demo-fleet')
          """
        ).map(OperationRun.init(row:))
      }
    }
  }

  @Test("the fleet creates, starts, heartbeats and completes runs; abandoned ones get reconciled")
  func fleetDrivesTheWholeLifecycle() throws {
    let harness = try Harness(
      settings: DemoFleetSettings(
        runsPerMinute: 30, maximumActiveJobs: 40, abandonShare: 0.25, queueFailureShare: 0.1,
        lateReturnShare: 1,
        seed: 11))
    try harness.run(seconds: 300)
    let totals = harness.fleet.totals
    #expect(totals.errors == 0)
    #expect(totals.created >= 120)
    #expect(totals.started > 0 && totals.heartbeats > totals.started)
    #expect(totals.completed > totals.created / 2)
    #expect(totals.abandoned > 0 && totals.bridged > 0 && totals.lateReports > 0)

    let runs = try harness.fleetRuns()
    #expect(runs.count == totals.created)
    #expect(
      runs.contains {
        $0.outcome == .succeeded && $0.reconciliation == nil && ($0.summaryCounts["processed"] ?? 0) > 0
      })
    #expect(
      runs.contains { $0.outcome == .partiallySucceeded || $0.outcome == .failed && $0.reconciliation == nil }
    )
    let reasons = Set(runs.compactMap { $0.reconciliation?.reason })
    #expect(reasons.contains(.staleRunning) && reasons.contains(.staleQueued))
    #expect(reasons.contains(.queueFailureBridge) || reasons.contains(.infrastructureTimeoutOrAbandonment))
    #expect(runs.allSatisfy { $0.context["simulated_by"] == "demo-fleet" })
    // Within about two minutes every abandoned run of a reconciled type has been healed: nothing older than that
    // is still active, except restores, whose type opts out of scheduled reconciliation and stays likely stale.
    let now = harness.clock.now()
    let old = runs.filter { !$0.status.isTerminal && $0.createdAt < now.addingTimeInterval(-150) }
    #expect(
      old.allSatisfy { $0.type == "restore.execute" }, "runs still active after 150 s: \(old.map(\.id))")
    #expect(old.allSatisfy { $0.freshness(policy: .demo, now: now) == .likelyStale })
    // Late reports from workers that came back are recorded against the fleet.
    #expect(
      try harness.demo.count("SELECT COUNT(*) FROM late_reports WHERE reporter = 'demo-fleet'")
        == totals.lateReports)
  }

  @Test(
    "healthy long jobs outlive their heartbeat window by reporting and are never reconciled",
    arguments: [UInt64(1), 2, 3, 4, 5, 6])
  func healthyLongJobsAreNeverReconciled(seed: UInt64) throws {
    let harness = try Harness(
      settings: DemoFleetSettings(
        runsPerMinute: 40, maximumActiveJobs: 40, abandonShare: 0, queueFailureShare: 0, seed: seed))
    try harness.run(seconds: 240)
    #expect(harness.fleet.totals.errors == 0)
    let runs = try harness.fleetRuns()
    #expect(
      runs.allSatisfy { $0.reconciliation == nil },
      "reconciled: \(runs.filter { $0.reconciliation != nil }.map(\.id))")
    // Some of them ran several heartbeat windows long: only their heartbeats kept them fresh.
    let outlived = runs.filter { run in
      guard let window = LifecyclePolicy.demo.types[run.type]?.heartbeatTimeoutSeconds,
        let started = run.startedAt, let completed = run.completedAt
      else { return false }
      return completed.timeIntervalSince(started) > 2 * Double(window)
    }
    #expect(!outlived.isEmpty)
    #expect(outlived.allSatisfy { $0.outcome != .pending && $0.reconciliation == nil })
  }

  @Test("an abandoned run turns likely stale before it is reconciled")
  func abandonedRunsPassThroughLikelyStale() throws {
    let harness = try Harness(settings: DemoFleetSettings(runsPerMinute: 60, abandonShare: 1, seed: 3))
    harness.fleet.tick()
    #expect(harness.fleet.totals.created == 2)
    try harness.run(seconds: 20)
    harness.fleet.stop()  // not started: a no-op
    let start = harness.clock.now()
    // No reconciler yet: after the longest demo window, every fleet run is likely stale.
    harness.clock.set(start.addingTimeInterval(95))
    let runs = try harness.fleetRuns()
    #expect(!runs.isEmpty)
    #expect(runs.allSatisfy { $0.freshness(policy: .demo, now: harness.clock.now()) == .likelyStale })
    _ = try harness.reconciler.reconcileAll()
    let healed = try harness.fleetRuns().map {
      ($0.type, $0.freshness(policy: .demo, now: harness.clock.now()))
    }
    #expect(
      healed.allSatisfy { $0.0 == "restore.execute" ? $0.1 == .likelyStale : $0.1 == .reconciledFailed })
  }

  @Test("start runs a first tick on its own thread; stop waits for it and is idempotent")
  func startAndStop() throws {
    let harness = try Harness(settings: DemoFleetSettings(tickInterval: 30, runsPerMinute: 8, seed: 5))
    harness.fleet.start()
    harness.fleet.start()  // already running: ignored
    // No sleeping: the first tick always runs, and stop() joins the thread, so it has finished by now.
    harness.fleet.stop()
    harness.fleet.stop()
    #expect(harness.fleet.totals.created == 4)
    #expect(try harness.fleetRuns().count == 4)
  }
}
