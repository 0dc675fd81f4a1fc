import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The whole-request deadline: a request's line, headers and body must all arrive within `deadline`
/// of the connection opening (or of the previous response on a keep-alive connection), however the
/// client paces its bytes. libmicrohttpd 0.9.75 only has an inactivity timeout, which a client sending
/// one byte every few seconds never reaches; this sweeps the open connections a few times per deadline.
///
/// A request that completes late is answered 408 by the access handler through the normal response
/// path. One still arriving when the sweep finds it is answered here: a 408 written straight to the
/// socket when its request line has arrived (MHD writes nothing while it is still reading a request, and
/// `ConnectionState.expire` keeps the connection's thread from queuing one meanwhile), then the socket is
/// shut down, which MHD sees as the client going away and closes the connection normally. A connection
/// that never sent a request line (idle keep-alive, or a trickled request line) is just closed.
///
/// `@unchecked Sendable`: `connections` and `timer` are only touched under `lock`; the responder and
/// the deadline are immutable.
final class RequestDeadline: @unchecked Sendable {
  /// How long a whole request may take to arrive.
  let deadline: Duration
  private let responder: any HTTPResponder
  private let lock = NSLock()
  private var connections: [ObjectIdentifier: ConnectionState] = [:]
  private var timer: (any DispatchSourceTimer)?
  private var expired = 0

  init(deadline: Duration, responder: any HTTPResponder) {
    self.deadline = deadline
    self.responder = responder
  }

  /// Connections closed by the deadline so far (tests and diagnostics).
  var expiredCount: Int { lock.withLock { expired } }

  /// Starts watching `connection`; called when MHD accepts it.
  func register(_ connection: ConnectionState) {
    lock.withLock { connections[ObjectIdentifier(connection)] = connection }
  }

  /// Stops watching `connection`; called when MHD reports it closed, before MHD closes its socket.
  /// Waits for a sweep in progress, so a sweep never shuts down a socket number MHD has already reused.
  func unregister(_ connection: ConnectionState) {
    _ = lock.withLock { connections.removeValue(forKey: ObjectIdentifier(connection)) }
  }

  /// Starts the periodic sweep: four times per deadline, between 50 ms and 1 s apart.
  func start() {
    let interval = min(max(deadline / 4, .milliseconds(50)), .seconds(1))
    let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "runwatch.http.request-deadline"))
    let nanoseconds =
      Int(interval.components.seconds) * 1_000_000_000
      + Int(interval.components.attoseconds / 1_000_000_000)
    source.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
    source.setEventHandler { [weak self] in self?.sweep(at: .now) }
    lock.withLock { timer = source }
    source.resume()
  }

  /// Stops the sweep (before the daemon stops, so no sweep races the final closes).
  func stop() {
    let source = lock.withLock {
      defer { timer = nil }
      return timer
    }
    source?.cancel()
  }

  /// Expires every connection whose request is overdue at `now`.
  func sweep(at now: ContinuousClock.Instant) {
    lock.withLock {
      for connection in connections.values {
        let didExpire = connection.expire(olderThan: deadline, at: now) { target in
          if let target { answerTimeout(target: target, on: connection.socket) }
          _ = shutdown(connection.socket, Int32(SHUT_RDWR))
        }
        if didExpire { expired += 1 }
      }
    }
  }

  private func answerTimeout(target: String, on socket: Int32) {
    var response = responder.respond(
      rejecting: HTTPRequest(method: .get, target: target), status: .requestTimeout)
    response.status = .requestTimeout
    let bytes = Self.serialized(response)
    // Non-blocking and best effort: the client may not be reading, and a 408 is a courtesy here.
    _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
  }

  /// `response` as HTTP/1.1 bytes with `Content-Length` and `Connection: close`, using the same header
  /// filter as responses queued through MHD.
  static func serialized(_ response: HTTPResponse) -> [UInt8] {
    var head = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n"
    for field in response.headers where isSendable(field) && field.name.lowercased() != "connection" {
      head += "\(field.name): \(field.value)\r\n"
    }
    head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
    return Array(head.utf8) + response.body
  }
}
