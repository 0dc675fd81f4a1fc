import Foundation
import Logging

/// Runs the `WebhookDeliverer` on its own thread inside `serve`, off the request path: a pass every
/// `interval` seconds, or at once again after a full batch. A dedicated thread, as the reconcile loop's: the
/// HTTP calls block. Errors are logged (the first of a streak) and the loop carries on. `stop()` lets the
/// delivery in flight finish and be recorded, gives back the rows claimed but not sent, and waits for the
/// thread, so a clean restart sends nothing twice.
///
/// `@unchecked Sendable` because the mutable state (`isRunning`, `isStopping`, `hasExited`, `failing`) is
/// only read or written while `condition` is locked; everything else is immutable and Sendable.
public final class WebhookDeliveryLoop: @unchecked Sendable {
  /// The deliverer each pass runs.
  public let deliverer: WebhookDeliverer
  /// Seconds between passes that found less than a full batch.
  public let interval: TimeInterval
  private let logger: Logger
  private let condition = NSCondition()
  private var isRunning = false
  private var isStopping = false
  private var hasExited = true
  private var failing = false

  /// Creates a loop polling every `interval` seconds (default 1).
  public init(deliverer: WebhookDeliverer, logger: Logger, interval: TimeInterval = 1) {
    self.deliverer = deliverer
    self.logger = logger
    self.interval = interval
  }

  /// Starts delivering on a background thread. On SQLite, first makes rows claimed by a process that died
  /// due again. Calling it again while running does nothing.
  public func start() {
    condition.lock()
    defer { condition.unlock() }
    guard !isRunning else { return }
    isRunning = true
    isStopping = false
    hasExited = false
    if deliverer.database.sqlitePool != nil {
      do { try deliverer.releaseAbandonedClaims() } catch {
        logger.error("webhook claims could not be released", metadata: ["error": "\(error)"])
      }
    }
    let thread = Thread { [self] in runLoop() }
    thread.name = "runwatch-webhooks"
    thread.start()
    logger.info("webhook delivery loop started", metadata: ["webhooks.interval_seconds": "\(interval)"])
  }

  /// Stops the loop and returns once the thread has exited.
  public func stop() {
    condition.lock()
    guard isRunning else {
      condition.unlock()
      return
    }
    isStopping = true
    condition.broadcast()
    while !hasExited { condition.wait() }
    isRunning = false
    condition.unlock()
    logger.info("webhook delivery loop stopped")
  }

  /// One pass on the calling thread; returns its figures, or nil when it failed (logged).
  @discardableResult
  public func pass() -> WebhookPassResult? {
    do {
      let result = try deliverer.deliverDue(shouldContinue: { [self] in !stopRequested })
      if setFailing(false) { logger.notice("webhook delivery recovered") }
      if result.claimed > 0 {
        logger.debug(
          "webhook deliveries sent",
          metadata: [
            "webhooks.claimed": "\(result.claimed)", "webhooks.delivered": "\(result.delivered)",
            "webhooks.retrying": "\(result.retrying)", "webhooks.failed": "\(result.failed)",
          ])
      }
      return result
    } catch {
      if !setFailing(true) { logger.error("webhook delivery pass failed", metadata: ["error": "\(error)"]) }
      return nil
    }
  }

  /// Sets the failure streak flag; returns its previous value.
  private func setFailing(_ value: Bool) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    let previous = failing
    failing = value
    return previous
  }

  private var stopRequested: Bool {
    condition.lock()
    defer { condition.unlock() }
    return isStopping
  }

  private func runLoop() {
    while !stopRequested {
      let result = pass()
      if let result, result.claimed >= deliverer.batchSize { continue }
      condition.lock()
      let deadline = Date().addingTimeInterval(interval)
      while !isStopping, condition.wait(until: deadline) {}
      condition.unlock()
    }
    condition.lock()
    hasExited = true
    condition.broadcast()
    condition.unlock()
  }
}
