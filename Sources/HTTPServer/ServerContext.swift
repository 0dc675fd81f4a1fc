import Foundation

/// What the C callbacks need, passed to them as `cls` via `Unmanaged`. The server keeps it alive
/// until after `MHD_stop_daemon` returns, so callbacks never see a dangling pointer.
///
/// `@unchecked Sendable`: the responder and configuration are immutable `Sendable` values; the only
/// mutable field, `liveRequests`, is guarded by `lock`.
final class ServerContext: @unchecked Sendable {
  let responder: any HTTPResponder
  let configuration: HTTPServerConfiguration
  /// Watches every open connection for requests that take longer than the deadline to arrive.
  let requestDeadline: RequestDeadline
  private let lock = NSLock()
  private var liveRequests = 0
  private var peakBufferedBody = 0

  init(responder: any HTTPResponder, configuration: HTTPServerConfiguration) {
    self.responder = responder
    self.configuration = configuration
    requestDeadline = RequestDeadline(deadline: configuration.requestDeadline, responder: responder)
  }

  /// Requests whose state is allocated and not yet released (in flight, or parked on keep-alive
  /// before completion); `stop()` waits for this to reach zero.
  var liveRequestCount: Int { lock.withLock { liveRequests } }

  /// The largest request body held in memory so far; never above `maximumBodySize`, which is
  /// what keeps an oversized upload from ballooning the process.
  var peakBufferedBodyBytes: Int { lock.withLock { peakBufferedBody } }

  func bodyBuffered(_ count: Int) { lock.withLock { peakBufferedBody = max(peakBufferedBody, count) } }
  func requestStarted() { lock.withLock { liveRequests += 1 } }
  func requestFinished() { lock.withLock { liveRequests -= 1 } }
}
