import Foundation
import Logging
import Synchronization

/// Runs the `WebhookDeliverer` on its own `BackgroundThread` inside `serve`, off the request path (the HTTP
/// calls block): a pass every `interval` seconds, or at once again after a full batch. Errors are logged (the
/// first of a streak) and the loop carries on. `stop()` lets the delivery in flight finish and be recorded,
/// gives back the rows claimed but not sent, and waits for the thread, so a clean restart sends nothing twice.
public final class WebhookDeliveryLoop: Sendable {
  /// The deliverer each pass runs.
  public let deliverer: WebhookDeliverer
  /// Seconds between passes that found less than a full batch.
  public let interval: TimeInterval
  private let logger: Logger
  private let thread = BackgroundThread(name: "runwatch-webhooks")
  private let failing = Mutex(false)

  /// Creates a loop polling every `interval` seconds (default 1).
  public init(deliverer: WebhookDeliverer, logger: Logger, interval: TimeInterval = 1) {
    self.deliverer = deliverer
    self.logger = logger
    self.interval = interval
  }

  /// Starts delivering on a background thread. On SQLite, first makes rows claimed by a process that died
  /// due again. Calling it again while running does nothing.
  public func start() {
    guard !thread.isRunning else { return }
    if deliverer.database.sqlitePool != nil {
      do { try deliverer.releaseAbandonedClaims() } catch {
        logger.error("webhook claims could not be released", metadata: ["error": "\(error)"])
      }
    }
    let started = thread.start { [self] in
      // A full batch means more may be due: the next pass at once.
      guard let result = pass(), result.claimed >= deliverer.batchSize else { return interval }
      return 0
    }
    guard started else { return }
    logger.info("webhook delivery loop started", metadata: ["webhooks.interval_seconds": "\(interval)"])
  }

  /// Stops the loop and returns once the thread has exited.
  public func stop() {
    guard thread.stop() else { return }
    logger.info("webhook delivery loop stopped")
  }

  /// One pass on the calling thread; returns its figures, or nil when it failed (logged).
  @discardableResult
  public func pass() -> WebhookPassResult? {
    do {
      let result = try deliverer.deliverDue(shouldContinue: { [thread] in !thread.stopRequested })
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
    failing.withLock { failing in
      defer { failing = value }
      return failing
    }
  }
}
