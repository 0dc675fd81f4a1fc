import Foundation
import RunwatchCore
import RunwatchStore

/// Settings of the simulated worker fleet.
public struct DemoFleetSettings: Sendable, Equatable {
  /// Seconds between ticks when running on its own thread.
  public var tickInterval: TimeInterval
  /// Runs created per minute on average.
  public var runsPerMinute: Double
  /// The fleet stops creating runs while this many of its own are in flight.
  public var maximumActiveJobs: Int
  /// Share of runs whose worker "dies" (never reports again) — they become likely stale, then reconciled.
  public var abandonShare: Double
  /// Share of runs whose queue reports a failure (bridged into the run).
  public var queueFailureShare: Double
  /// Share of abandoned running jobs whose worker comes back after reconciliation (a late report).
  public var lateReturnShare: Double
  /// Seed of the fleet's generator.
  public var seed: UInt64

  /// Creates settings; the defaults make a lively but readable demo (about 20 runs a minute).
  public init(
    tickInterval: TimeInterval = 2, runsPerMinute: Double = 20, maximumActiveJobs: Int = 24,
    abandonShare: Double = 0.12, queueFailureShare: Double = 0.05, lateReturnShare: Double = 0.3,
    seed: UInt64 = 7
  ) {
    self.tickInterval = tickInterval
    self.runsPerMinute = runsPerMinute
    self.maximumActiveJobs = maximumActiveJobs
    self.abandonShare = abandonShare
    self.queueFailureShare = queueFailureShare
    self.lateReturnShare = lateReturnShare
    self.seed = seed
  }
}

/// What the fleet did in one tick (or, summed, since it started).
public struct DemoFleetTickReport: Sendable, Equatable {
  /// Runs created.
  public var created = 0
  /// Runs started.
  public var started = 0
  /// Heartbeats sent.
  public var heartbeats = 0
  /// Runs completed by their (simulated) worker.
  public var completed = 0
  /// Queue failures bridged.
  public var bridged = 0
  /// Runs abandoned: never reported on again.
  public var abandoned = 0
  /// Reports refused because the run had been reconciled meanwhile (kept as late reports).
  public var lateReports = 0
  /// Lifecycle calls that failed with an error (logged).
  public var errors = 0

  /// Creates an empty report.
  public init() {}

  mutating func add(_ other: DemoFleetTickReport) {
    created += other.created
    started += other.started
    heartbeats += other.heartbeats
    completed += other.completed
    bridged += other.bridged
    abandoned += other.abandoned
    lateReports += other.lateReports
    errors += other.errors
  }
}

/// One run the fleet is working on, and how its story ends.
struct DemoFleetJob {
  enum Fate: Equatable {
    case complete(RunOutcome)
    case abandonWhileQueued
    case abandonWhileRunning(comesBack: Bool)
    case queueFailure(QueueFailureReport.Kind)
  }

  var runID: Int64
  var type: String
  var total: Int64
  var startAt: Date
  var startedAt: Date?
  var finishAt: Date
  var fate: Fate
}

/// A worker that died and comes back later to report completion on a run that was reconciled meanwhile.
struct DemoFleetReturn {
  var runID: Int64
  var total: Int64
  var at: Date
}

/// Where the fleet may create runs.
struct DemoFleetTarget {
  var workspaceID: Int64
  var tenantIDs: [Int64]
  var initiatorIDs: [Int64]
}
