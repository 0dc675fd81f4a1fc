import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import SecretKit
import Synchronization
import TestStorage
import Testing

/// Every log record a test's logger received, rendered with its metadata, for "never logs a secret" checks.
final class LogCapture: Sendable {
  private let lines = Mutex<[String]>([])

  var all: [String] { lines.withLock { $0 } }
  var text: String { all.joined(separator: "\n") }

  func logger() -> Logger {
    var logger = Logger(label: "test") { _ in CapturingHandler(capture: self) }
    logger.logLevel = .debug
    return logger
  }

  fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CapturingHandler: LogHandler {
  let capture: LogCapture
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let merged = metadata.merging(event.metadata ?? [:]) { $1 }
    let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    capture.append("\(event.level) \(event.message) \(rendered)")
  }
}

/// A temp database with two workspaces (acme: tenants Contoso and Fabrikam; globex: tenant Initech), an app
/// built around it with a ManualTimeSource, and helpers to add members and browse.
final class AppFixture {
  let directory: URL
  let location: StorageLocation
  /// The SQLite file (empty on PostgreSQL): for tests that read the file itself.
  var path: String {
    if case .sqlite(let path) = location { return path }
    return ""
  }
  let clock = ManualTimeSource()
  let database: RunwatchDatabase
  let identity: IdentityService
  let lifecycle: LifecycleService
  let logs = LogCapture()
  let environment: WebEnvironment
  let acme: Workspace
  let globex: Workspace
  let contoso: Tenant
  let fabrikam: Tenant
  let initech: Tenant
  private(set) var app: RunwatchApp
  static let password = "correct horse battery"

  init(
    options: SessionOptions = SessionOptions(), sessionSettings: SessionSettings = SessionSettings(),
    throttleSettings: LoginThrottleSettings = LoginThrottleSettings(), withAssets: Bool = true,
    addTestPage: Bool = true, metricsAccess: MetricsAccess = .open
  ) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-web-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    location = try TestStorage.freshLocation(in: directory)
    database = try RunwatchDatabase(location: location, policy: .builtIn)
    identity = IdentityService(
      database: database, clock: clock, hasher: PasswordHasher(cost: .minimum),
      sessionSettings: sessionSettings,
      throttleSettings: throttleSettings)
    lifecycle = LifecycleService(database: database, clock: clock)
    acme = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
    globex = try database.addWorkspace(slug: "globex", name: "Globex", at: clock.now())
    contoso = try database.addTenant(workspaceID: acme.id, name: "Contoso", at: clock.now())
    fabrikam = try database.addTenant(workspaceID: acme.id, name: "Fabrikam", at: clock.now())
    initech = try database.addTenant(workspaceID: globex.id, name: "Initech", at: clock.now())
    let assets = withAssets ? try StaticFiles(directory: Self.publicDirectory, prefix: "/assets") : nil
    environment = WebEnvironment(
      database: database, lifecycle: lifecycle, identity: identity, clock: clock, logger: logs.logger(),
      assets: assets, metricsAccess: metricsAccess)
    app = try RunwatchApp(environment: environment, options: options)
    if addTestPage {
      // A minimal page for tests only: proves which viewer a request resolved to.
      app.addRoutes { router, _, signedIn in
        router.get(
          "/operations",
          signedIn { _, viewer in
            .text("viewer=\(viewer.user.email) workspace=\(viewer.workspace.slug) csrf=\(viewer.csrfToken)")
          })
      }
    }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// The repository's `Public/` directory.
  static var publicDirectory: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Public").path
  }

  /// A user with `password` and `role` in `workspace` (default acme), entitled to `tenants`.
  @discardableResult
  func member(_ email: String, role: Role, tenants: [Tenant] = [], workspace: Workspace? = nil) throws -> User
  {
    let user =
      try database.user(email: email) ?? identity.addUser(email: email, name: email, password: Self.password)
    try database.grant(
      userID: user.id, workspaceID: (workspace ?? acme).id, role: role, tenantIDs: tenants.map(\.id),
      at: clock.now())
    return user
  }

  func browser(remoteAddress: String = "192.0.2.10") -> Browser {
    Browser(app: app, remoteAddress: remoteAddress)
  }

  func respond(_ request: HTTPRequest) -> HTTPResponse { app.router.respond(to: request) }
}

/// A cookie-keeping client driving the router in process, sending same-origin headers like a browser does.
final class Browser {
  let app: RunwatchApp
  let remoteAddress: String
  static let host = "runwatch.test"
  var cookies: [String: String] = [:]

  init(app: RunwatchApp, remoteAddress: String) {
    self.app = app
    self.remoteAddress = remoteAddress
  }

  @discardableResult
  func get(_ target: String, headers: [(String, String)] = []) -> HTTPResponse {
    send(.get, target, headers: headers)
  }

  @discardableResult
  func post(_ target: String, form: [(String, String)], headers: [(String, String)]? = nil) -> HTTPResponse {
    let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    let sent =
      headers ?? [("Origin", "http://\(Self.host)"), ("Sec-Fetch-Site", "same-origin")]
    return send(
      .post, target, headers: [("Content-Type", "application/x-www-form-urlencoded")] + sent,
      body: Array(body.utf8))
  }

  func send(_ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [])
    -> HTTPResponse
  {
    var all = HTTPHeaders([("Host", Self.host)] + headers)
    if !cookies.isEmpty {
      all.add(
        "Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
    }
    let response = app.router.respond(
      to: HTTPRequest(method: method, target: target, headers: all, body: body, remoteAddress: remoteAddress))
    for line in response.headers.all("Set-Cookie") {
      let pair = line.split(separator: ";")[0]
      guard let equals = pair.firstIndex(of: "=") else { continue }
      let name = String(pair[..<equals])
      let value = String(pair[pair.index(after: equals)...])
      if line.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
    }
    return response
  }

  /// The hidden `csrf_token` of the last form in `html`.
  static func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: "name=\"csrf_token\" value=\"", options: .backwards) else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
  }

  /// Opens `/login` and posts the credentials with the form's token.
  @discardableResult
  func signIn(_ email: String, password: String = AppFixture.password, next: String? = nil) -> HTTPResponse {
    let form = get("/login")
    var fields = [
      ("csrf_token", Self.csrfToken(in: form.bodyText) ?? ""), ("email", email), ("password", password),
    ]
    if let next { fields.append(("next", next)) }
    return post("/login", form: fields)
  }

  /// The session's CSRF token, as the test page prints it.
  func sessionCSRFToken() -> String? {
    let body = get("/operations").bodyText
    guard let range = body.range(of: "csrf=") else { return nil }
    return String(body[range.upperBound...])
  }

  static func encode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
  }
}
