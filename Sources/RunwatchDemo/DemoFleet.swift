import Foundation
import Logging
import RunwatchCore
import RunwatchStore
import Synchronization

/// A simulated worker fleet for `serve --demo`, working through the real lifecycle service: it creates runs of
/// covered types on active tenants (some initiated by a demo owner or manager), starts them, heartbeats
/// progress, completes most (mostly successfully, some partially or failed), has the queue report a failure
/// now and then, and abandons a few — never reporting on them again — so that under `LifecyclePolicy.demo`
/// they turn likely stale and are reconciled within a couple of minutes. Some abandoned workers come back after
/// reconciliation and get refused (late reports). Everything it does is recorded as actor `demo-fleet`.
///
/// `tick()` does one round on the calling thread (tests drive it with a `ManualTimeSource`); `start()` runs it
/// every `settings.tickInterval` seconds on a `BackgroundThread` (blocking SQLite work stays off the
/// cooperative pool, as in `ReconcileLoop`). The simulation state lives in a `Mutex`.
public final class DemoFleet: Sendable {
  /// The actor every fleet action is recorded as.
  public static let actor = Actor(kind: .worker, label: "demo-fleet", source: "demo_fleet")

  /// The lifecycle service the fleet works through (its clock is the fleet's clock).
  public let lifecycle: LifecycleService
  /// Settings.
  public let settings: DemoFleetSettings
  let logger: Logger
  private let state: Mutex<State>
  private let thread = BackgroundThread(name: "runwatch-demo-fleet")

  struct State {
    var rng: SplitMix64
    var targets: [DemoFleetTarget]?
    var jobs: [DemoFleetJob] = []
    var returns: [DemoFleetReturn] = []
    var totals = DemoFleetTickReport()
  }

  /// Creates a fleet; nothing happens until `start()` or `tick()`.
  public init(lifecycle: LifecycleService, logger: Logger, settings: DemoFleetSettings = DemoFleetSettings())
  {
    self.lifecycle = lifecycle
    self.logger = logger
    self.settings = settings
    self.state = Mutex(State(rng: SplitMix64(seed: settings.seed)))
  }

  /// Everything the fleet did since it was created.
  public var totals: DemoFleetTickReport { state.withLock { $0.totals } }

  /// Runs the fleet is still reporting on (abandoned ones are not counted).
  public var activeJobs: Int { state.withLock { $0.jobs.count } }

  /// Starts ticking on a background thread; the first tick runs at once. Does nothing if already running.
  public func start() {
    // The first tick always runs, even when `stop()` follows `start()` at once, so a started fleet has done
    // something by the time `stop()` returns.
    let started = thread.start(firstPassAlways: true) { [self] in
      tick()
      return settings.tickInterval
    }
    guard started else { return }
    logger.info("demo fleet started", metadata: ["demo_fleet.tick_seconds": "\(settings.tickInterval)"])
  }

  /// Stops the fleet and returns once its thread has exited (an in-flight tick finishes first). Runs it left
  /// active stay active: the reconciler heals them like any other.
  public func stop() {
    guard thread.stop() else { return }
    logger.info("demo fleet stopped")
  }

  /// One round at the lifecycle clock's "now": create, start, heartbeat, complete, bridge, abandon. Errors are
  /// logged and counted, never thrown, so one bad call cannot stop the demo.
  @discardableResult
  public func tick() -> DemoFleetTickReport {
    state.withLock { state in
      var report = DemoFleetTickReport()
      do {
        if state.targets == nil { state.targets = try loadTargets() }
      } catch {
        logger.error("demo fleet cannot read tenants", metadata: ["demo_fleet.error": "\(error)"])
        report.errors += 1
        state.totals.add(report)
        return report
      }
      let now = lifecycle.clock.now()
      createRuns(&state, now: now, report: &report)
      advanceJobs(&state, now: now, report: &report)
      sendLateReturns(&state, now: now, report: &report)
      state.totals.add(report)
      return report
    }
  }

  /// Active tenants of every workspace, and the owners and managers who may initiate runs there.
  private func loadTargets() throws -> [DemoFleetTarget] {
    try lifecycle.database.pool.read { connection in
      try connection.query("SELECT id FROM workspaces ORDER BY id").compactMap { row in
        guard let workspaceID = row.int64("id") else { return nil }
        let tenants = try connection.query(
          "SELECT id FROM tenants WHERE workspace_id = ? AND status = 'active' ORDER BY id", [workspaceID])
        let people = try connection.query(
          """
          SELECT user_id FROM memberships WHERE workspace_id = ? AND role IN ('owner', 'manager')
          ORDER BY user_id
          """, [workspaceID])
        let target = DemoFleetTarget(
          workspaceID: workspaceID, tenantIDs: tenants.compactMap { $0.int64("id") },
          initiatorIDs: people.compactMap { $0.int64("user_id") })
        return target.tenantIDs.isEmpty ? nil : target
      }
    }
  }
}
