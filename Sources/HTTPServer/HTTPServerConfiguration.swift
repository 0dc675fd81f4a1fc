import Foundation

/// Tuning for `HTTPServer`. The defaults suit a small internal monitoring app.
public struct HTTPServerConfiguration: Sendable {
  /// Threads in libmicrohttpd's internal pool; handlers run on these. Defaults to the core count.
  public var threadCount: Int
  /// Seconds of inactivity after which a connection is closed (slow or stalled clients).
  public var connectionTimeoutSeconds: Int
  /// Largest accepted request body in bytes; larger ones are answered 413 without buffering.
  public var maximumBodySize: Int
  /// How many bytes of an oversized chunked body are read and thrown away so a 413 can still be
  /// sent once it ends. libmicrohttpd 0.9.75 cannot queue a response mid-upload, so past this
  /// allowance the connection is dropped instead of reading forever.
  public var maximumDiscardedBodySize: Int
  /// Maximum simultaneous connections.
  public var connectionLimit: Int
  /// Maximum simultaneous connections from one client address, so one client cannot take all of
  /// `connectionLimit`; MHD accepts and immediately closes the ones over it.
  public var perAddressConnectionLimit: Int
  /// How long a whole request (line, headers and body) may take to arrive, however slowly the client
  /// trickles it; the inactivity timeout alone never fires for a byte every few seconds. Late requests
  /// get 408 and the connection is closed. Also bounds how long an idle keep-alive connection stays open.
  public var requestDeadline: Duration
  /// Most query parameters a request target may carry; more are answered 414.
  public var maximumQueryParameters: Int
  /// Per-connection memory for the request line and headers; larger headers get 431/414 from MHD.
  public var connectionMemoryLimit: Int
  /// How long `stop()` waits for requests in flight before closing connections.
  public var shutdownGracePeriod: Duration

  /// The defaults, each overridable.
  public init(
    threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
    connectionTimeoutSeconds: Int = 30,
    maximumBodySize: Int = 1 << 20,
    maximumDiscardedBodySize: Int = 8 << 20,
    connectionLimit: Int = 1024,
    perAddressConnectionLimit: Int = 128,
    requestDeadline: Duration = .seconds(20),
    maximumQueryParameters: Int = 256,
    connectionMemoryLimit: Int = 64 << 10,
    shutdownGracePeriod: Duration = .seconds(5)
  ) {
    self.threadCount = threadCount
    self.connectionTimeoutSeconds = connectionTimeoutSeconds
    self.maximumBodySize = maximumBodySize
    self.maximumDiscardedBodySize = maximumDiscardedBodySize
    self.connectionLimit = connectionLimit
    self.perAddressConnectionLimit = perAddressConnectionLimit
    self.requestDeadline = requestDeadline
    self.maximumQueryParameters = maximumQueryParameters
    self.connectionMemoryLimit = connectionMemoryLimit
    self.shutdownGracePeriod = shutdownGracePeriod
  }
}

/// Why the server could not start.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
  /// The host is not a numeric IPv4 address (the server binds one address, never all).
  case invalidHost(String)
  /// A configuration value is out of range.
  case invalidConfiguration(String)
  /// libmicrohttpd refused to start (port in use, no permission...); carries `errno`.
  case startFailed(port: UInt16, errno: Int32)

  /// A short explanation without user data beyond the configured host.
  public var description: String {
    switch self {
    case .invalidHost(let host): "host must be a numeric IPv4 address, got \(host)"
    case .invalidConfiguration(let field): "invalid server configuration: \(field)"
    case .startFailed(let port, let code): "could not start HTTP server on port \(port) (errno \(code))"
    }
  }
}
