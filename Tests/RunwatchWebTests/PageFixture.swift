import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import SecretKit
import TestStorage
import Testing

/// A temp database with two workspaces, tenants, members of every kind, and a router with the page routes
/// behind a test `signedIn` that injects the viewer named in the `X-Test-Viewer` header.
///
/// Workspace `acme` has tenants Contoso and Fabrikam; `globex` has Initech. Viewers: `owner` (acme, all
/// tenants), `operator` (acme, Contoso only), `readonly` (acme, Contoso only, no `restore.view`, no
/// `audit.view`), `outsider` (owner of globex only).
final class PageFixture {
  let directory: URL
  let clock = ManualTimeSource()
  let database: RunwatchDatabase
  let lifecycle: LifecycleService
  let identity: IdentityService
  let environment: WebEnvironment
  let acme: Workspace
  let globex: Workspace
  let contoso: Tenant
  let fabrikam: Tenant
  let initech: Tenant
  private(set) var users: [String: User] = [:]
  private(set) var viewers: [String: Viewer] = [:]
  private(set) var router = Router()
  let worker = Actor(kind: .token, label: "token:fleet-1", source: "api")

  init(policy: LifecyclePolicy = .builtIn) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-pages-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = try RunwatchDatabase(location: try TestStorage.freshLocation(in: directory), policy: policy)
    lifecycle = LifecycleService(database: database, clock: clock)
    identity = IdentityService(database: database, clock: clock, hasher: PasswordHasher(cost: .minimum))
    environment = WebEnvironment(
      database: database, lifecycle: lifecycle, identity: identity, clock: clock,
      logger: Logger(label: "pages-test"), assets: nil)
    acme = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
    globex = try database.addWorkspace(slug: "globex", name: "Globex", at: clock.now())
    contoso = try database.addTenant(workspaceID: acme.id, name: "Contoso", at: clock.now())
    fabrikam = try database.addTenant(workspaceID: acme.id, name: "Fabrikam", at: clock.now())
    initech = try database.addTenant(workspaceID: globex.id, name: "Initech", at: clock.now())
    try addViewer("owner", role: .owner, workspace: acme)
    try addViewer("operator", role: .operator, workspace: acme, tenants: [contoso])
    try addViewer("readonly", role: .readonly, workspace: acme, tenants: [contoso])
    try addViewer("outsider", role: .owner, workspace: globex)
    let frozen = viewers
    PageRoutes.register(on: &router, environment: environment) { handler in
      { request in
        guard let viewer = frozen[request.headers["X-Test-Viewer"] ?? ""] else {
          return .redirect(to: "/login", status: .found)
        }
        return handler(request, viewer)
      }
    }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  private func addViewer(_ name: String, role: Role, workspace: Workspace, tenants: [Tenant] = []) throws {
    let user = try identity.addUser(
      email: "\(name)@example.com", name: "\(name.capitalized) User", password: "pw")
    try database.grant(
      userID: user.id, workspaceID: workspace.id, role: role, tenantIDs: tenants.map(\.id), at: clock.now())
    let session = try identity.createSession(userID: user.id).session
    let principal = try #require(try database.principal(userID: user.id))
    users[name] = user
    viewers[name] = Viewer(
      user: user, session: session, principal: principal, workspace: workspace, workspaces: [workspace])
  }

  func user(_ name: String) -> User { users[name]! }

  /// `GET target` as `viewer`.
  func get(_ target: String, as viewer: String = "owner") -> HTTPResponse {
    router.respond(to: HTTPRequest(method: .get, target: target, headers: ["X-Test-Viewer": viewer]))
  }

  /// `POST target` as `viewer` with a form body carrying the viewer's CSRF token.
  func post(_ target: String, as viewer: String = "owner") -> HTTPResponse {
    let token = viewers[viewer]?.csrfToken ?? ""
    return router.respond(
      to: HTTPRequest(
        method: .post, target: target,
        headers: ["X-Test-Viewer": viewer, "Content-Type": "application/x-www-form-urlencoded"],
        body: Array("csrf_token=\(token)".utf8)))
  }

  /// Queues a run (by default a `policy.sync` of Contoso started by the owner) one second after the last.
  @discardableResult
  func run(
    _ type: String = "policy.sync", tenant: Tenant? = nil, workspaceLevel: Bool = false,
    workspace: Workspace? = nil,
    initiator: String? = "owner", context: JSONValue = ["source": "test"]
  ) throws -> OperationRun {
    clock.advance(by: 1)
    return try lifecycle.create(
      NewRun(
        workspaceID: (workspace ?? acme).id, tenantID: workspaceLevel ? nil : (tenant ?? contoso).id,
        initiatorUserID: initiator.map { user($0).id }, type: type, context: context), by: worker)
  }

  /// Fails `run` through the reconciler's path with reason `run.stale_queued`.
  func reconcile(_ run: OperationRun) throws {
    _ = try lifecycle.forceFailNonTerminal(
      runID: run.id, expectedStatus: .queued, reason: .staleQueued, evidence: ["test": true],
      by: .scheduledReconciler)
  }

  /// The `data-run-id` values of the rows on a page, in order.
  static func rowIDs(_ response: HTTPResponse) -> [Int64] {
    response.bodyText.components(separatedBy: "<tr data-run-id=\"").dropFirst().compactMap { piece in
      Int64(piece.prefix { $0.isNumber })
    }
  }

  /// The value of the first link with `rel` (`next` = older, `prev` = newer), decoded from the markup.
  static func link(rel: String, in response: HTTPResponse) -> String? {
    let marker = "rel=\"\(rel)\" href=\""
    guard let range = response.bodyText.range(of: marker) else { return nil }
    let rest = response.bodyText[range.upperBound...]
    return String(rest.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
  }
}
