import Foundation

/// What the request deadline needs to know about one TCP connection. Born in the connection-notify
/// callback (libmicrohttpd's `socket_context`), released when MHD reports the connection closed.
///
/// libmicrohttpd 0.9.75's connection timeout only measures inactivity, so a client that trickles one
/// byte every few seconds holds a connection forever. `RequestDeadline` therefore checks, from its own
/// thread, how long the current request has been arriving; this object is what both sides share.
///
/// `@unchecked Sendable`: every mutable field is read and written under `lock` only. The socket is
/// only touched by `RequestDeadline` while this connection is registered, which ends in the
/// connection-closed callback; MHD closes the socket after that callback, so the number never
/// names someone else's socket.
final class ConnectionState: @unchecked Sendable {
  /// The connection's socket.
  let socket: Int32
  private let lock = NSLock()
  private var requestStart: ContinuousClock.Instant
  private var target: String?
  private var isAwaitingRequest = true
  private var expired = false

  init(socket: Int32, openedAt: ContinuousClock.Instant) {
    self.socket = socket
    requestStart = openedAt
  }

  /// The request line arrived: from here on a late request gets a 408 rather than a bare close.
  func requestLineReceived(target: String) { lock.withLock { self.target = target } }

  /// How a response may start on this connection.
  enum ResponseStart {
    /// The request arrived within the deadline: answer it.
    case inTime
    /// The request arrived, but later than the deadline allows: answer 408.
    case late
    /// The deadline already answered and closed the connection: queue nothing.
    case expired
  }

  /// The request is complete (or answered early), so the deadline stops watching it.
  func beginResponse(deadline: Duration, at now: ContinuousClock.Instant) -> ResponseStart {
    lock.withLock {
      guard !expired else { return .expired }
      isAwaitingRequest = false
      return now - requestStart > deadline ? .late : .inTime
    }
  }

  /// The previous request finished; the next one (keep-alive) gets a full deadline of its own.
  func requestFinished(at now: ContinuousClock.Instant) {
    lock.withLock {
      requestStart = now
      target = nil
      isAwaitingRequest = true
    }
  }

  /// True once the deadline has closed the connection.
  var isExpired: Bool { lock.withLock { expired } }

  /// Marks the connection expired when its current request is still incomplete after `deadline`, and
  /// then runs `action` with the request target seen so far (nil when not even the request line has
  /// arrived). `action` runs under the lock, so the connection's thread cannot queue a response while it
  /// writes. Returns whether the connection expired.
  func expire(
    olderThan deadline: Duration, at now: ContinuousClock.Instant, _ action: (String?) -> Void
  ) -> Bool {
    lock.withLock {
      guard isAwaitingRequest, !expired, now - requestStart > deadline else { return false }
      expired = true
      action(target)
      return true
    }
  }
}
