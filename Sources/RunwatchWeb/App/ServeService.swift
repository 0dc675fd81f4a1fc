import Foundation
import Logging
import RunwatchStore

/// Something `serve` runs beside the HTTP server for the life of the process: the reconcile loop, the session
/// janitor, and the demo fleet (its conformance lives in `RunwatchCLI`, which wires the demo in). `start` returns at once; `stop` returns once the work has ended.
public protocol ServeService: AnyObject, Sendable {
  /// Starts the background work.
  func start()
  /// Stops it and waits for work in flight.
  func stop()
}

extension ReconcileLoop: ServeService {}

/// Deletes expired sessions periodically, so abandoned sign-ins do not pile up (expiry itself is enforced on
/// every lookup; this only reclaims the rows).
///
/// `@unchecked Sendable`: `timer` is only read or written while `lock` is held.
public final class SessionJanitor: ServeService, @unchecked Sendable {
  private let identity: IdentityService
  private let logger: Logger
  private let interval: TimeInterval
  private let queue = DispatchQueue(label: "runwatch.session-janitor")
  private let lock = NSLock()
  private var timer: (any DispatchSourceTimer)?

  /// A janitor purging every `interval` seconds (default 5 minutes).
  public init(identity: IdentityService, logger: Logger, interval: TimeInterval = 300) {
    self.identity = identity
    self.logger = logger
    self.interval = interval
  }

  /// Deletes sessions past their idle or absolute expiry now; returns how many (0 after an error, logged).
  @discardableResult
  public func purgeNow() -> Int {
    do {
      let purged = try identity.database.purgeExpiredSessions(
        settings: identity.sessionSettings, at: identity.clock.now())
      if purged > 0 { logger.debug("expired sessions purged", metadata: ["sessions.purged": "\(purged)"]) }
      return purged
    } catch {
      logger.error("session purge failed", metadata: ["error": "\(error)"])
      return 0
    }
  }

  /// Starts the periodic purge (first run after one interval). Calling it twice does nothing.
  public func start() {
    lock.withLock {
      guard timer == nil else { return }
      let source = DispatchSource.makeTimerSource(queue: queue)
      source.schedule(deadline: .now() + interval, repeating: interval)
      source.setEventHandler { [weak self] in self?.purgeNow() }
      source.resume()
      timer = source
    }
  }

  /// Stops the timer and waits for a purge in progress.
  public func stop() {
    let source = lock.withLock {
      let source = timer
      timer = nil
      return source
    }
    source?.cancel()
    queue.sync {}
  }

  /// Whether the timer is scheduled.
  public var isRunning: Bool { lock.withLock { timer != nil } }
}
