import Foundation
import Logging
import RunwatchCore
import Synchronization

/// Runs the reconciler every `reconcile.interval_seconds` on its own `BackgroundThread` inside `serve`.
///
/// Errors are logged and the loop carries on; `stop()` lets the in-flight run change commit, ends the tick at
/// the next batch boundary and waits for the thread, so shutdown never abandons a change half-way (each change
/// is one transaction in any case).
public final class ReconcileLoop: Sendable {
  /// The reconciler each tick runs (acting as `Actor.scheduledReconciler` in `serve`).
  public let reconciler: Reconciler
  /// Seconds between the end of one tick and the start of the next.
  public let interval: TimeInterval
  private let logger: Logger
  private let onTick: @Sendable (ReconcileResult) -> Void
  private let thread = BackgroundThread(name: "runwatch-reconcile")
  /// Ticks that have failed in a row (0 after a completed tick): the first failure and the recovery are
  /// logged, the ones in between are not, so a full disk gives two log lines, not one a second.
  private let failedTicksInRow = Mutex(0)

  /// Creates a loop. `interval` defaults to the policy's `reconcile.interval_seconds`; `onTick` is told the
  /// figures of every completed tick (metrics, tests).
  public init(
    reconciler: Reconciler, logger: Logger, interval: TimeInterval? = nil,
    onTick: @escaping @Sendable (ReconcileResult) -> Void = { _ in }
  ) {
    self.reconciler = reconciler
    self.logger = logger
    self.interval = interval ?? TimeInterval(reconciler.lifecycle.policy.reconcile.intervalSeconds)
    self.onTick = onTick
  }

  /// Starts ticking on a background thread: the first tick runs at once. Calling it again while running does
  /// nothing.
  public func start() {
    let started = thread.start { [self] in
      tick()
      return interval
    }
    guard started else { return }
    logger.info(
      "reconcile loop started", metadata: ["reconcile.interval_seconds": "\(interval)"])
  }

  /// Stops the loop and returns once the thread has exited: an in-flight tick finishes its current change and
  /// stops at the next batch boundary.
  public func stop() {
    guard thread.stop() else { return }
    logger.info("reconcile loop stopped")
  }

  /// Runs one tick now on the calling thread: reconciles every stale run in batches, logs it when something
  /// changed, and returns the figures. Errors are logged, never thrown, so a bad tick cannot end the loop: a
  /// failing tick is logged when the failures start and again when a tick completes, not on every tick.
  @discardableResult
  public func tick() -> ReconcileResult? {
    let started = ContinuousClock.now
    do {
      let result = try reconciler.reconcileAll(shouldContinue: { [thread] in !thread.stopRequested })
      let failedBefore = endFailureStreak()
      if failedBefore > 0 {
        logger.notice(
          "reconcile tick recovered", metadata: ["reconcile.failed_ticks": "\(failedBefore)"])
      }
      for failure in result.failures {
        logger.error(
          "reconcile run failed; left out for a while",
          metadata: ["run.id": "\(failure.operationRunID)", "reconcile.error": "\(failure.error)"])
      }
      if result.reconciled > 0 {
        logger.info(
          "reconcile tick changed runs",
          metadata: [
            "reconcile.candidates": "\(result.candidates)", "reconcile.reconciled": "\(result.reconciled)",
            "reconcile.skipped": "\(result.skipped)",
            "reconcile.duration_ms": "\(Self.milliseconds(since: started))",
          ])
      }
      onTick(result)
      return result
    } catch {
      if startFailureStreak() {
        logger.error(
          "reconcile tick failed",
          metadata: [
            "reconcile.error": "\(error)", "reconcile.duration_ms": "\(Self.milliseconds(since: started))",
          ])
      }
      return nil
    }
  }

  /// Counts a failed tick; returns whether it is the first of a streak (the one to log).
  private func startFailureStreak() -> Bool {
    failedTicksInRow.withLock { count in
      count += 1
      return count == 1
    }
  }

  /// Ends a failure streak; returns how many ticks it lasted (0 when there was none).
  private func endFailureStreak() -> Int {
    failedTicksInRow.withLock { count in
      defer { count = 0 }
      return count
    }
  }

  private static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
  }
}
