import CMicroHTTPD
import Foundation

/// A running libmicrohttpd server that hands complete requests to an `HTTPResponder`
/// (usually a `Router`) on its internal thread pool.
///
/// `@unchecked Sendable`: the daemon pointer is only read or cleared under `lock`, and the
/// context it points at is itself thread-safe.
public final class HTTPServer: @unchecked Sendable {
  /// The address the server is bound to.
  public let host: String
  /// The bound port; the real one when started with port 0.
  public let port: UInt16
  private let context: ServerContext
  private let lock = NSLock()
  private var daemon: OpaquePointer?

  private init(host: String, port: UInt16, context: ServerContext, daemon: OpaquePointer) {
    self.host = host
    self.port = port
    self.context = context
    self.daemon = daemon
  }

  /// Starts serving `responder` on `host:port` (IPv4, bound to that address only; port 0 picks a
  /// free port, see `port`).
  public static func start(
    host: String = "127.0.0.1", port: UInt16, configuration: HTTPServerConfiguration = .init(),
    responder: any HTTPResponder
  ) throws(HTTPServerError) -> HTTPServer {
    guard configuration.threadCount >= 1 else { throw .invalidConfiguration("threadCount") }
    guard configuration.connectionTimeoutSeconds >= 1 else {
      throw .invalidConfiguration("connectionTimeoutSeconds")
    }
    guard configuration.maximumBodySize >= 0 else { throw .invalidConfiguration("maximumBodySize") }
    guard configuration.connectionLimit >= 1 else { throw .invalidConfiguration("connectionLimit") }
    guard configuration.perAddressConnectionLimit >= 1 else {
      throw .invalidConfiguration("perAddressConnectionLimit")
    }
    guard configuration.requestDeadline > .zero else { throw .invalidConfiguration("requestDeadline") }
    guard configuration.maximumQueryParameters >= 1 else {
      throw .invalidConfiguration("maximumQueryParameters")
    }
    guard configuration.connectionMemoryLimit >= 4096 else {
      throw .invalidConfiguration("connectionMemoryLimit")
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .invalidHost(host) }

    let context = ServerContext(responder: responder, configuration: configuration)
    let contextPointer = Unmanaged.passUnretained(context).toOpaque()
    errno = 0
    let started = rw_mhd_start(
      &address, UInt32(configuration.threadCount), UInt32(configuration.connectionTimeoutSeconds),
      UInt32(configuration.connectionLimit), UInt32(configuration.perAddressConnectionLimit),
      configuration.connectionMemoryLimit, serverAccessHandler, serverRequestCompleted, serverURILog,
      serverConnectionNotify, contextPointer)
    guard let daemon = started else { throw .startFailed(port: port, errno: errno) }
    context.requestDeadline.start()
    return HTTPServer(host: host, port: rw_mhd_bound_port(daemon), context: context, daemon: daemon)
  }

  /// Starts serving a bare handler closure.
  public static func start(
    host: String = "127.0.0.1", port: UInt16, configuration: HTTPServerConfiguration = .init(),
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
  ) throws(HTTPServerError) -> HTTPServer {
    try start(host: host, port: port, configuration: configuration, responder: ClosureResponder(handler))
  }

  /// True until `stop()` has run.
  public var isRunning: Bool { lock.withLock { daemon != nil } }

  /// Requests currently held by the server (accepted, not yet completed).
  var liveRequestCount: Int { context.liveRequestCount }

  /// The largest request body the server has held in memory (for tests of the body limit).
  var peakBufferedBodyBytes: Int { context.peakBufferedBodyBytes }

  /// Stops gracefully: stop accepting (`MHD_quiesce_daemon`), let requests in flight finish for up
  /// to the grace period, then close everything (`MHD_stop_daemon`). Safe to call twice.
  public func stop() {
    lock.withLock {
      guard let running = daemon else { return }
      daemon = nil
      context.requestDeadline.stop()
      let listener = MHD_quiesce_daemon(running)
      let deadline = ContinuousClock.now + context.configuration.shutdownGracePeriod
      while context.liveRequestCount > 0 && ContinuousClock.now < deadline {
        usleep(5_000)
      }
      MHD_stop_daemon(running)
      if listener >= 0 { close(listener) }
    }
  }

  deinit { stop() }
}
