import ArgumentParser
import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchDemo
import RunwatchStore
import RunwatchWeb
import Synchronization

/// `runwatch serve`: the web app, the worker API and the reconcile loop in one process.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve", abstract: "Serve the monitoring UI and worker API, and reconcile stale runs.")

  @OptionGroup var options: GlobalOptions

  @Option(name: .long, help: "Address to bind (numeric IPv4; default 127.0.0.1, loopback only).")
  var host = "127.0.0.1"

  @Option(name: .long, help: "Port (env RUNWATCH_PORT; default 8080; 0 picks a free port).")
  var port: Int?

  @Option(
    name: .customLong("public"), help: "Static assets directory (env RUNWATCH_PUBLIC; default ./Public).")
  var publicDirectory: String?

  @Option(name: .long, help: "HTTP worker threads (default: the number of cores).")
  var threads: Int?

  @Option(
    name: .long, help: "Header an SSO proxy puts the signed-in user's e-mail in, e.g. X-Forwarded-Email.")
  var trustedUserHeader: String?

  @Option(
    name: .long,
    help:
      "Address of a reverse proxy whose X-Forwarded-For (and --trusted-user-header) is believed (repeatable)."
  )
  var trustedProxy: [String] = []

  @Option(
    name: .long,
    help:
      "Most simultaneous connections from one client address (default 128; with --trusted-proxy, 1024: all of them)."
  )
  var connectionsPerAddress: Int?

  @Flag(name: .long, help: "Mark cookies Secure (set when users reach Runwatch over HTTPS).")
  var secureCookies = false

  @Option(
    name: .long,
    help: "Seconds a rendered list page is reused for viewers of the same scope (0 to 2; 0 turns it off).")
  var pageCacheSeconds: Double = 1

  @Option(
    name: .long,
    help:
      "Bearer token /metrics asks scrapers for (env RUNWATCH_METRICS_TOKEN; default: none, /metrics is open)."
  )
  var metricsToken: String?

  @Option(
    name: .long,
    help: """
      This instance's name on /metrics when several share one database (env RUNWATCH_NODE_NAME; default \
      <hostname>:<port>).
      """)
  var nodeName: String?

  @Option(
    name: .long,
    help: """
      Base URL people reach Runwatch at, for the run links in webhooks (env RUNWATCH_PUBLIC_URL; default \
      http://<host>:<port>).
      """)
  var publicURL: String?

  @Option(
    name: .long,
    help:
      "Longest wait between two attempts of a failed webhook delivery, in seconds (1 to 300; default 300).")
  var webhookMaxBackoffSeconds: Double = 300

  @Option(name: .long, help: "Log level: info or debug (debug logs one line per request).")
  var logLevel: ServeLogLevel = .info

  @Flag(
    name: .long,
    help:
      "Demo mode: seconds-long demo policy (unless --policy), seed an empty database, run a simulated fleet.")
  var demo = false

  func validate() throws {
    if let port = try resolvedPort(), !(0...65535).contains(port) {
      throw ValidationError("--port must be between 0 and 65535, got \(port).")
    }
    if !(0...2).contains(pageCacheSeconds) {
      throw ValidationError("--page-cache-seconds must be between 0 and 2, got \(pageCacheSeconds).")
    }
    if let token = resolvedMetricsToken(), token.count < 16 || token.contains(where: \.isWhitespace) {
      throw ValidationError(
        "--metrics-token must be at least 16 characters without spaces (e.g. from `openssl rand -hex 24`).")
    }
    if let limit = connectionsPerAddress, !(1...Self.connectionLimit).contains(limit) {
      throw ValidationError(
        "--connections-per-address must be between 1 and \(Self.connectionLimit), got \(limit).")
    }
    if let threads, !(1...256).contains(threads) {
      throw ValidationError("--threads must be between 1 and 256, got \(threads).")
    }
    if !(1...300).contains(webhookMaxBackoffSeconds) {
      throw ValidationError(
        "--webhook-max-backoff-seconds must be between 1 and 300, got \(webhookMaxBackoffSeconds).")
    }
    if let url = resolvedPublicURL(), case .failure(let problem) = WebhookURL.validate(url) {
      throw ValidationError("--public-url: \(problem.description)")
    }
    if trustedUserHeader != nil, trustedProxy.isEmpty {
      throw ValidationError(
        "--trusted-user-header needs --trusted-proxy (the proxy whose header is believed).")
    }
    if let bad = trustedProxy.first(where: { !Self.isNumericIPv4($0) }) {
      throw ValidationError("--trusted-proxy must be a numeric IPv4 address, got '\(bad)'.")
    }
    if let header = trustedUserHeader,
      header.isEmpty || header.contains(where: { $0 == ":" || $0.isWhitespace })
    {
      throw ValidationError("--trusted-user-header must be a header name, got '\(header)'.")
    }
  }

  /// `--public-url`, else `$RUNWATCH_PUBLIC_URL`, else nil (then `http://<host>:<port>`).
  func resolvedPublicURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    let url = publicURL ?? environment["RUNWATCH_PUBLIC_URL"]
    return url?.isEmpty == false ? url : nil
  }

  /// The instance's name on /metrics: `--node-name`, `RUNWATCH_NODE_NAME`, or `<hostname>:<port>`.
  func resolvedNodeName(
    port: UInt16, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let nodeName, !nodeName.isEmpty { return nodeName }
    if let name = environment["RUNWATCH_NODE_NAME"], !name.isEmpty { return name }
    return "\(ProcessInfo.processInfo.hostName):\(port)"
  }

  /// `--port`, else `$RUNWATCH_PORT`, else 8080. A non-numeric environment value is an error, not a default.
  func resolvedPort(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
    if let port { return port }
    guard let text = environment["RUNWATCH_PORT"], !text.isEmpty else { return 8080 }
    guard let value = Int(text) else {
      throw ValidationError("RUNWATCH_PORT must be a number, got '\(text)'.")
    }
    return value
  }

  /// Connections `serve` accepts in all (libmicrohttpd's cap; `HTTPServerConfiguration`'s default).
  static let connectionLimit = HTTPServerConfiguration().connectionLimit

  /// `--connections-per-address`, else 128 direct, else the whole connection limit behind a trusted proxy:
  /// there every client arrives from the proxy's address, and the proxy (nginx buffers whole requests before
  /// passing them on) is the one facing slow clients.
  var resolvedConnectionsPerAddress: Int {
    connectionsPerAddress
      ?? (trustedProxy.isEmpty ? HTTPServerConfiguration().perAddressConnectionLimit : Self.connectionLimit)
  }

  /// `--metrics-token`, else `$RUNWATCH_METRICS_TOKEN`, else none (an empty value is none).
  func resolvedMetricsToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    let token = metricsToken ?? environment["RUNWATCH_METRICS_TOKEN"]
    return token?.isEmpty == false ? token : nil
  }

  func run() throws {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let logger = makeLogger()
    let server = try start(logger: logger, clock: SystemTimeSource())
    CommandIO.current.message("Runwatch is serving \(server.url)")
    let stopped = DispatchSemaphore(value: 0)
    let sources = [SIGINT, SIGTERM].map { number in
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { stopped.signal() }
      source.resume()
      return source
    }
    stopped.wait()
    logger.info("shutting down")
    server.stop()
    sources.forEach { $0.cancel() }
  }

  /// Opens the database, builds the app and starts the server and its services (reconcile loop as
  /// `Actor.scheduledReconciler`, session janitor, webhook delivery loop). Extension point: further `ServeService`s (the demo fleet)
  /// join `services` here.
  func start(logger: Logger, clock: any TimeSource) throws -> RunwatchServer {
    let database = try openDatabase(logger: logger)
    let transitionMetrics = TransitionMetrics(policy: database.policy)
    let lifecycle = LifecycleService(database: database, clock: clock, observer: transitionMetrics)
    let identity = IdentityService(database: database, clock: clock)
    let assets = try loadAssets(logger: logger)
    let environment = WebEnvironment(
      database: database, lifecycle: lifecycle, identity: identity, clock: clock, logger: logger,
      assets: assets, pageCacheSeconds: pageCacheSeconds,
      metricsAccess: try resolvedMetricsToken().map { try MetricsAccess(token: $0) } ?? .open)
    let app = try RunwatchApp.standard(
      environment: environment, options: sessionOptions, transitionMetrics: transitionMetrics)
    let reconcileMetrics = app.reconcileMetrics
    let port = UInt16(try resolvedPort() ?? 8080)
    reconcileMetrics.node = resolvedNodeName(port: port)
    let loop = ReconcileLoop(
      reconciler: Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler), logger: logger,
      onTick: { result in
        reconcileMetrics.record(result)
        transitionMetrics.reconciled(result)
      })
    reconcileMetrics.expectTicks(every: loop.interval)
    // Run links in webhooks: --public-url, or this server's address once bound (--port 0 picks it then).
    let runLinkBase = RunLinkBase(resolvedPublicURL())
    let transport = URLSessionWebhookTransport()
    let deliverer = WebhookDeliverer(
      database: database, clock: clock, transport: transport,
      schedule: WebhookRetrySchedule(
        maximumBackoff: webhookMaxBackoffSeconds,
        maximumAttempts: WebhookRetrySchedule.standard.maximumAttempts),
      publicURL: { runLinkBase.value }, attemptTimeout: transport.attemptTimeout)
    var services: [any ServeService] = [
      loop, SessionJanitor(identity: identity, logger: logger),
      WebhookDeliveryLoop(deliverer: deliverer, logger: logger),
    ]
    if demo { services.append(DemoFleet(lifecycle: lifecycle, logger: logger)) }
    var configuration = HTTPServerConfiguration()
    if let threads { configuration.threadCount = threads }
    configuration.perAddressConnectionLimit = resolvedConnectionsPerAddress
    do {
      let server = try RunwatchServer.start(
        app: app, host: host, port: port, configuration: configuration, services: services)
      runLinkBase.setIfUnknown("http://\(host):\(server.http.port)")
      return server
    } catch {
      throw CLIError("serve: \(error.description)")
    }
  }

  /// The database with the policy in force. In demo mode the policy defaults to `LifecyclePolicy.demo`, and an
  /// empty database is seeded first; the demo sign-ins are printed either way.
  func openDatabase(logger: Logger) throws -> RunwatchDatabase {
    guard demo else { return try options.openDatabase() }
    let policy = options.policyPath == nil ? LifecyclePolicy.demo : try options.loadPolicy()
    let database = try RunwatchDatabase(location: options.databaseLocation, policy: policy)
    let io = CommandIO.current
    // Several demo instances starting on one PostgreSQL database: the first seeds, the others go on.
    _ = try database.pool.withLease(DemoSeeder.seedLeaseKey) {
      if try !DemoSeeder.hasData(database) {
        _ = try DemoSeeder.seed(into: database, options: DemoSeedOptions(progress: { io.message($0) }))
      }
    }
    DemoCredential.tableLines().forEach(io.message)
    return database
  }

  var sessionOptions: SessionOptions {
    SessionOptions(
      secureCookies: secureCookies, trustedProxies: Set(trustedProxy),
      trustedHeader: trustedUserHeader.map { TrustedHeader(headerName: $0, proxies: Set(trustedProxy)) })
  }

  func loadAssets(logger: Logger) throws -> StaticFiles {
    guard let directory = PublicDirectory.locate(explicit: publicDirectory) else {
      throw CLIError(
        publicDirectory.map { "serve: \($0) does not hold the static assets (app.css)" }
          ?? "serve: cannot find the Public/ assets directory; pass --public DIR or set RUNWATCH_PUBLIC")
    }
    logger.info("serving static assets", metadata: ["assets.directory": "\(directory)"])
    return try StaticFiles(directory: directory, prefix: "/assets")
  }

  func makeLogger() -> Logger {
    var logger = Logger(label: "runwatch") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = logLevel.level
    return logger
  }

  static func isNumericIPv4(_ text: String) -> Bool {
    var address = in_addr()
    return inet_pton(AF_INET, text, &address) == 1
  }
}

/// The log levels `serve` accepts.
enum ServeLogLevel: String, ExpressibleByArgument, CaseIterable {
  case info, debug

  var level: Logger.Level {
    switch self {
    case .info: .info
    case .debug: .debug
    }
  }
}

extension DemoFleet: ServeService {}

/// The start of run links in webhook payloads, known at start-up (`--public-url`) or once the server is bound.
private final class RunLinkBase: Sendable {
  private let storage: Mutex<String?>

  init(_ value: String?) { storage = Mutex(value) }

  var value: String? { storage.withLock { $0 } }

  func setIfUnknown(_ value: String) { storage.withLock { $0 = $0 ?? value } }
}
