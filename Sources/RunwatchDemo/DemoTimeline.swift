import Foundation
import RunwatchCore
import RunwatchStore

/// The people, places and worker identities the rich demo runs use, as created in the database.
struct DemoDirectory {
  /// Workspaces in `DemoCatalog.workspaces` order.
  var workspaces: [Workspace]
  /// Active tenants per workspace index.
  var activeTenants: [[Tenant]]
  /// Archived tenants per workspace index (archived during the history, see `DemoWindow.archiveAgo`).
  var archivedTenants: [[Tenant]]
  /// User id per demo e-mail.
  var userIDs: [String: Int64]
  /// The worker identity (an API token's label) per workspace index.
  var workers: [Actor]

  /// Every tenant of workspace `index`.
  func tenants(ofWorkspace index: Int) -> [Tenant] { activeTenants[index] + archivedTenants[index] }
}

/// One step of the history, applied at `time` through the lifecycle service.
struct DemoEvent {
  /// What happens; run steps name the plan by index.
  enum Step {
    case create(Int)
    case start(Int)
    case startRefused(Int)
    case heartbeat(Int, [String: Int64])
    case complete(Int, RunOutcome, [String: Int64], [RunFailure])
    case bridge(Int, QueueFailureReport)
    case recordStatus(Int, String)
    case resolve(Int, note: String)
    case lateHeartbeat(Int, [String: Int64])
    case lateComplete(Int, RunOutcome, [String: Int64])
    case reconcile
    case archiveTenant(Int64)
  }

  var time: Date
  var sequence: Int
  var step: Step
}

/// One rich demo run: its scenario and the request that creates it.
struct DemoRunPlan {
  var scenario: DemoScenario
  var request: NewRun
  var workspaceIndex: Int
}

/// The time frame of the rich history, in seconds before the seed's "now". Runs that involve a reconcile tick
/// play out before `historyEndAgo`; runs that must still be active (fresh or merely likely stale) at the end
/// are created after it, so no tick can touch them.
struct DemoWindow {
  /// Longest queued or running window of any covered type.
  var maxWindow: Double
  /// How far back the rich history starts.
  var historyStartAgo: Double
  /// The last reconcile tick happens no later than this.
  var historyEndAgo: Double
  /// When the archived tenants were archived.
  var archiveAgo: Double
  /// Seconds between reconcile ticks (a stale run waits up to this long before it is healed).
  var reconcileLag: Double

  init(policy: LifecyclePolicy) {
    maxWindow = Double(
      policy.types.values.map { max($0.queuedStaleAfterSeconds, $0.runningStaleAfterSeconds) }.max() ?? 900)
    historyEndAgo = 2 * maxWindow + 3_600
    historyStartAgo = max(3 * 86_400, historyEndAgo + 4 * maxWindow + 86_400)
    archiveAgo = (historyStartAgo + historyEndAgo + 2 * maxWindow) / 2
    reconcileLag = Double(max(1, policy.reconcile.intervalSeconds))
  }

  /// The range historical scenarios start in, leaving room for their whole life before `historyEndAgo`.
  var historicalStartRange: ClosedRange<Double> { (historyEndAgo + 2 * maxWindow + 600)...historyStartAgo }
}

/// Windows and durations of one type; the uncovered type borrows typical numbers for its durations only.
struct DemoTypeTiming {
  var queued: Double
  var running: Double
  var expected: Double
  var timeout: Double

  init(_ rules: RunTypePolicy?) {
    queued = Double(rules?.queuedStaleAfterSeconds ?? 900)
    running = Double(rules?.runningStaleAfterSeconds ?? 1_800)
    expected = Double(rules?.expectedRuntimeSeconds ?? 240)
    timeout = Double(rules?.jobTimeoutSeconds ?? 600)
  }

  /// How long a healthy run takes: around the expected runtime, always well inside the timeout.
  func healthyDuration(_ rng: inout SplitMix64) -> Double {
    max(1, rng.double(in: (0.3 * expected)...max(0.3 * expected, min(1.6 * expected, 0.95 * timeout))))
  }

  /// How long ago a run that is still fresh started: most are inside their expected runtime; one in four is
  /// slow (past it, so the index says "running 3× longer than expected") but still inside the stale window.
  func freshRunningStart(_ rng: inout SplitMix64) -> Double {
    let latest = 0.7 * running
    let usual = min(0.9 * expected, latest)
    let (low, high) = (min(0.1 * expected, usual), min(expected, 0.5 * running))
    // One draw, as every planner step takes, so the other runs of a seed stay as they were.
    let draw = rng.unit()
    return draw < 0.25 ? high + (latest - high) * draw / 0.25 : low + (usual - low) * (draw - 0.25) / 0.75
  }

  /// How long a run waits in the queue before a worker takes it: well inside the queued window.
  func queueWait(_ rng: inout SplitMix64) -> Double {
    rng.double(in: min(1, 0.05 * queued)...min(0.4 * queued, 300))
  }
}
