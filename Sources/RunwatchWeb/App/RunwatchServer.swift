import HTTPServer
import Logging

/// A running Runwatch: the HTTP server plus its background services, started and stopped in the right order.
public final class RunwatchServer: Sendable {
  /// The HTTP server (its `port` is the real one when started on port 0).
  public let http: HTTPServer
  /// The background services, in start order.
  public let services: [any ServeService]
  private let logger: Logger

  private init(http: HTTPServer, services: [any ServeService], logger: Logger) {
    self.http = http
    self.services = services
    self.logger = logger
  }

  /// Starts `services` (the reconcile loop first ticks at once), then serves `app` on `host:port`. If the
  /// server cannot start, the services are stopped again before the error is thrown.
  public static func start(
    app: RunwatchApp, host: String, port: UInt16, configuration: HTTPServerConfiguration = .init(),
    services: [any ServeService] = []
  ) throws(HTTPServerError) -> RunwatchServer {
    for service in services { service.start() }
    do {
      let http = try HTTPServer.start(
        host: host, port: port, configuration: configuration, responder: app.router)
      return RunwatchServer(http: http, services: services, logger: app.environment.logger)
    } catch {
      for service in services.reversed() { service.stop() }
      throw error
    }
  }

  /// The address to open in a browser.
  public var url: String { "http://\(http.host):\(http.port)/" }

  /// Stops the background services (the reconcile loop finishes its in-flight change), then the server (which
  /// lets requests in flight finish within its grace period). Safe to call twice.
  public func stop() {
    for service in services.reversed() { service.stop() }
    http.stop()
    logger.info("server stopped")
  }
}
