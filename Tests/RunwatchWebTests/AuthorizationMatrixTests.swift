import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #5 "Done when": every route of the composed app (pages, session routes, ops endpoints and the worker
/// API) × every kind of principal answers exactly the expected status; 404s for "missing" and "not entitled" are
/// byte-identical; lists never leak a row; no password, session id or token reaches the log or the database.
@Suite struct AuthorizationMatrixTests {
  /// The principals of the matrix.
  enum Who: String, CaseIterable {
    case anonymous, otherWorkspace, notEntitled, readonly, operatorEntitled, owner
  }

  /// The world: acme (Contoso, Fabrikam) and globex (Initech), one user per principal, a reconciled
  /// policy.sync run in Contoso initiated by the operator (so it has an audit event and a notification), a
  /// queued restore run in Contoso, a globex run, and worker tokens for both workspaces.
  final class World {
    let fixture: AppFixture
    var app: RunwatchApp
    var browsers: [Who: Browser] = [:]
    var csrf: [Who: String] = [:]
    let syncRun: OperationRun
    let restoreRun: OperationRun
    let globexRun: OperationRun
    /// A likely-stale policy.sync run in Contoso: what `operations.resolve` is for.
    let stuckRun: OperationRun
    let notificationID: Int64
    let acmeToken: String
    let globexToken: String
    let revokedToken: String
    let readOnlyToken: String
    static let missingRunID: Int64 = 987_654

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      let emails: [Who: String] = [
        .otherWorkspace: "other@example.com", .notEntitled: "unentitled@example.com",
        .readonly: "readonly@example.com", .operatorEntitled: "operator@example.com",
        .owner: "owner@example.com",
      ]
      try fixture.member(emails[.otherWorkspace]!, role: .owner, workspace: fixture.globex)
      try fixture.member(emails[.notEntitled]!, role: .operator, tenants: [fixture.fabrikam])
      try fixture.member(emails[.readonly]!, role: .readonly, tenants: [fixture.contoso])
      let operatorUser = try fixture.member(
        emails[.operatorEntitled]!, role: .operator, tenants: [fixture.contoso])
      try fixture.member(emails[.owner]!, role: .owner)

      let worker = Actor(kind: .worker, label: "matrix", source: "test")
      let lifecycle = fixture.lifecycle
      syncRun = try lifecycle.create(
        NewRun(
          workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: operatorUser.id,
          type: "policy.sync"), by: worker)
      fixture.clock.advance(by: 30 * 24 * 3600)
      _ = try Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler).reconcileAll()
      stuckRun = try lifecycle.create(
        NewRun(
          workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: nil,
          type: "policy.sync"),
        by: worker)
      fixture.clock.advance(by: 3600)
      restoreRun = try lifecycle.create(
        NewRun(
          workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: nil,
          type: "restore.execute"),
        by: worker)
      globexRun = try lifecycle.create(
        NewRun(
          workspaceID: fixture.globex.id, tenantID: fixture.initech.id, initiatorUserID: nil,
          type: "policy.sync"),
        by: worker)
      let syncID = syncRun.id
      notificationID = try #require(
        try fixture.database.pool.read {
          try $0.scalar("SELECT id FROM notifications WHERE run_id = ?", [syncID])
        })
      acmeToken = try fixture.identity.createAPIToken(workspaceID: fixture.acme.id, name: "acme-worker")
        .secret
      globexToken = try fixture.identity.createAPIToken(workspaceID: fixture.globex.id, name: "globex-worker")
        .secret
      let revoked = try fixture.identity.createAPIToken(workspaceID: fixture.acme.id, name: "old-worker")
      try fixture.identity.revokeAPIToken(id: revoked.token.id)
      revokedToken = revoked.secret
      readOnlyToken = try fixture.identity.createAPIToken(
        workspaceID: fixture.acme.id, name: "acme-dashboard", readOnly: true
      ).secret

      for who in Who.allCases {
        let browser = Browser(app: app, remoteAddress: "192.0.2.\(10 + browsers.count)")
        browsers[who] = browser
        guard let email = emails[who] else { continue }
        #expect(browser.signIn(email).status == .seeOther, "\(who) signs in")
        // The chrome's sign-out form carries the session's token.
        csrf[who] = Browser.csrfToken(in: browser.get("/notifications").bodyText)
      }
    }

    func get(_ who: Who, _ target: String) -> HTTPResponse { browsers[who]!.get(target) }

    func post(_ who: Who, _ target: String, _ fields: [(String, String)] = []) -> HTTPResponse {
      browsers[who]!.post(target, form: fields + [("csrf_token", csrf[who] ?? "")])
    }

    func api(
      _ method: HTTPMethod, _ target: String, token: String?, cookieOf who: Who? = nil, body: String = "{}"
    )
      -> HTTPResponse
    {
      var headers = HTTPHeaders([("Host", Browser.host), ("Content-Type", "application/json")])
      if let token { headers.add("Authorization", "Bearer \(token)") }
      if let who, let session = browsers[who]?.cookies["runwatch_session"] {
        headers.add("Cookie", "runwatch_session=\(session)")
      }
      return app.router.respond(
        to: HTTPRequest(
          method: method, target: target, headers: headers, body: Array(body.utf8),
          remoteAddress: "192.0.2.99"))
    }
  }

  /// Expected statuses in `Who.allCases` order: anonymous, otherWorkspace, notEntitled, readonly, operator, owner.
  static func expect(_ world: World, _ label: String, _ expected: [Int], _ respond: (Who) -> HTTPResponse) {
    for (who, status) in zip(Who.allCases, expected) {
      let response = respond(who)
      #expect(response.status.code == status, "\(label) as \(who)")
      if status == 302 && who == .anonymous {
        #expect(
          response.headers["Location"]?.hasPrefix("/login?next=") == true, "\(label) redirects to sign-in")
      }
    }
  }

  @Test func pageRoutesAnswerExactStatuses() throws {
    let world = try World()
    let sync = world.syncRun.id
    let restore = world.restoreRun.id
    let missing = World.missingRunID
    Self.expect(world, "GET /operations", [302, 200, 200, 200, 200, 200]) { world.get($0, "/operations") }
    Self.expect(world, "GET /operations/<sync>", [302, 404, 404, 200, 200, 200]) {
      world.get($0, "/operations/\(sync)")
    }
    Self.expect(world, "GET /operations/<restore>", [302, 404, 404, 403, 200, 200]) {
      world.get($0, "/operations/\(restore)")
    }
    Self.expect(world, "GET /operations/<missing>", [302, 404, 404, 404, 404, 404]) {
      world.get($0, "/operations/\(missing)")
    }
    Self.expect(world, "GET /insights", [302, 200, 200, 200, 200, 200]) { world.get($0, "/insights") }
    Self.expect(world, "GET /audit", [302, 200, 200, 403, 200, 200]) { world.get($0, "/audit") }
    Self.expect(world, "GET /notifications", [302, 200, 200, 200, 200, 200]) {
      world.get($0, "/notifications")
    }
    Self.expect(world, "GET /healthz", [200, 200, 200, 200, 200, 200]) { world.get($0, "/healthz") }
    Self.expect(world, "GET /metrics", [200, 200, 200, 200, 200, 200]) { world.get($0, "/metrics") }
    // Anonymous state-changing posts are refused by the CSRF gate (there is no session to tie a token to).
    Self.expect(world, "POST /workspace acme", [403, 404, 303, 303, 303, 303]) {
      world.post($0, "/workspace", [("workspace", "acme")])
    }
    Self.expect(world, "POST /notifications/<id>/read", [403, 404, 404, 404, 303, 404]) {
      world.post($0, "/notifications/\(world.notificationID)/read")
    }
    // Resolving a stuck run by hand: operations.resolve (owners and managers) on a run the viewer can open.
    let stuck = world.stuckRun.id
    Self.expect(world, "GET /operations/<stuck>/resolve", [302, 404, 404, 403, 403, 200]) {
      world.get($0, "/operations/\(stuck)/resolve")
    }
    Self.expect(world, "GET /operations/<missing>/resolve", [302, 404, 404, 404, 404, 404]) {
      world.get($0, "/operations/\(missing)/resolve")
    }
    Self.expect(world, "GET /operations/<sync>/resolve (finished)", [302, 404, 404, 403, 403, 409]) {
      world.get($0, "/operations/\(sync)/resolve")
    }
    Self.expect(world, "POST /operations/<stuck>/resolve", [403, 404, 404, 403, 403, 303]) {
      world.post($0, "/operations/\(stuck)/resolve", [("note", "checked: its worker host is gone")])
    }
    // Webhooks: webhooks.manage (owners only) in the viewer's current workspace; otherWorkspace owns globex.
    Self.expect(world, "GET /settings/webhooks", [302, 200, 403, 403, 403, 200]) {
      world.get($0, "/settings/webhooks")
    }
    Self.expect(world, "POST /settings/webhooks (refused URL)", [403, 422, 403, 403, 403, 422]) {
      world.post(
        $0, "/settings/webhooks", [("url", "ftp://x"), ("events", "run.failed"), ("format", "runwatch")])
    }
    Self.expect(world, "POST /settings/webhooks/<missing>/remove", [403, 404, 403, 403, 403, 404]) {
      world.post($0, "/settings/webhooks/\(missing)/remove")
    }
    Self.expect(world, "GET /login", [200, 302, 302, 302, 302, 302]) { world.get($0, "/login") }
    Self.expect(world, "POST /logout", [403, 303, 303, 303, 303, 303]) { world.post($0, "/logout") }
    Self.expect(world, "GET /operations after logout", [302, 302, 302, 302, 302, 302]) {
      world.get($0, "/operations")
    }
  }

  @Test func forbiddenPageNamesTheMissingCapability() throws {
    let world = try World()
    let restore = world.get(.readonly, "/operations/\(world.restoreRun.id)")
    #expect(restore.bodyText.contains("restore.view"))
    #expect(world.get(.readonly, "/audit").bodyText.contains("audit.view"))
  }

  @Test func notFoundBodiesForMissingAndNotEntitledAreIdentical() throws {
    let world = try World()
    for who in [Who.otherWorkspace, .notEntitled] {
      let missing = world.get(who, "/operations/\(World.missingRunID)")
      for run in [world.syncRun, world.restoreRun] {
        let hidden = world.get(who, "/operations/\(run.id)")
        #expect(hidden.status == .notFound)
        #expect(hidden.body == missing.body, "\(who) run \(run.id)")
      }
    }
    let missing = world.api(.get, "/api/v1/runs/\(World.missingRunID)", token: world.globexToken)
    let hidden = world.api(.get, "/api/v1/runs/\(world.syncRun.id)", token: world.globexToken)
    #expect(hidden.status == .notFound)
    #expect(hidden.body == missing.body)
  }

  @Test func listsNeverLeakRows() throws {
    let world = try World()
    func runIDs(_ who: Who, _ target: String = "/operations") -> Set<Int64> {
      let body = world.get(who, target).bodyText
      var ids: Set<Int64> = []
      var rest = body[...]
      while let range = rest.range(of: "data-run-id=\"") {
        rest = rest[range.upperBound...]
        if let id = Int64(rest.prefix { $0 != "\"" }) { ids.insert(id) }
      }
      return ids
    }
    let (sync, restore, globex) = (world.syncRun.id, world.restoreRun.id, world.globexRun.id)
    let stuck = world.stuckRun.id
    #expect(runIDs(.otherWorkspace) == [globex])
    #expect(runIDs(.notEntitled).isEmpty)
    #expect(runIDs(.notEntitled, "/operations?tenant=\(world.fixture.contoso.id)").isEmpty)
    #expect(runIDs(.readonly) == [sync, stuck])
    #expect(runIDs(.operatorEntitled) == [sync, restore, stuck])
    #expect(runIDs(.owner) == [sync, restore, stuck])
    // A `?workspace=` link switches nothing: it is not a peek into a workspace one is not a member of.
    #expect(runIDs(.otherWorkspace, "/operations?workspace=acme") == [globex])
    // Audit: only events of runs the viewer could open.
    let link = "href=\"/operations/\(sync)\""
    #expect(!world.get(.notEntitled, "/audit").bodyText.contains(link))
    #expect(!world.get(.otherWorkspace, "/audit").bodyText.contains(link))
    #expect(world.get(.owner, "/audit").bodyText.contains(link))
    // Notifications: only one's own.
    #expect(world.get(.operatorEntitled, "/notifications").bodyText.contains(link))
    #expect(!world.get(.owner, "/notifications").bodyText.contains(link))
    // API lists: a token sees its own workspace only.
    #expect(!world.api(.get, "/api/v1/runs", token: world.globexToken).bodyText.contains("\"id\":\(sync)"))
    #expect(world.api(.get, "/api/v1/runs", token: world.acmeToken).bodyText.contains("\"id\":\(sync)"))
  }

  @Test func apiRoutesAnswerExactStatuses() throws {
    let world = try World()
    let run = world.restoreRun.id
    let bodies: [(HTTPMethod, String, String)] = [
      (.get, "/api/v1/runs", "{}"),
      (.get, "/api/v1/runs/\(run)", "{}"),
      (.post, "/api/v1/runs/\(run)/start", "{}"),
      (.post, "/api/v1/runs/\(run)/heartbeat", "{\"summary_counts\":{\"done\":1}}"),
      (.post, "/api/v1/runs/\(run)/complete", "{\"outcome\":\"succeeded\"}"),
      (.post, "/api/v1/runs/\(run)/queue-failure", "{\"kind\":\"timeout\"}"),
    ]
    for (method, target, body) in bodies {
      let label = "\(method) \(target)"
      #expect(world.api(method, target, token: nil, body: body).status == .unauthorized, "\(label) no token")
      #expect(
        world.api(method, target, token: "rwt_nope", body: body).status == .unauthorized, "\(label) bad token"
      )
      #expect(
        world.api(method, target, token: world.revokedToken, body: body).status == .unauthorized,
        "\(label) revoked")
      // A signed-in owner's session cookie is not an API credential.
      #expect(
        world.api(method, target, token: nil, cookieOf: .owner, body: body).status == .unauthorized,
        "\(label) session cookie")
      let foreign = world.api(method, target, token: world.globexToken, body: body)
      #expect(foreign.status == (target == "/api/v1/runs" ? .ok : .notFound), "\(label) other workspace")
      // A read-only token of the run's own workspace reads, and is refused every report before anything is
      // looked up.
      let reader = world.api(method, target, token: world.readOnlyToken, body: body)
      #expect(reader.status == (method == .get ? .ok : .forbidden), "\(label) read-only token")
      if method == .post { #expect(reader.bodyText.contains("\"read_only_token\""), "\(label)") }
    }
    #expect(try world.fixture.database.run(id: run)?.status == .queued, "read-only calls changed nothing")
    let create = "{\"type\":\"policy.sync\",\"tenant_id\":\(world.fixture.contoso.id)}"
    #expect(world.api(.post, "/api/v1/runs", token: nil, body: create).status == .unauthorized)
    #expect(world.api(.post, "/api/v1/runs", token: world.readOnlyToken, body: create).status == .forbidden)
    #expect(world.api(.post, "/api/v1/runs", token: world.globexToken, body: create).status.code == 422)
    #expect(world.api(.post, "/api/v1/runs", token: world.acmeToken, body: create).status == .created)
    // The entitled token walks the restore run through its lifecycle.
    #expect(world.api(.get, "/api/v1/runs/\(run)", token: world.acmeToken).status == .ok)
    #expect(world.api(.post, "/api/v1/runs/\(run)/start", token: world.acmeToken).status == .ok)
    #expect(
      world.api(.post, "/api/v1/runs/\(run)/heartbeat", token: world.acmeToken, body: bodies[3].2).status
        == .ok)
    #expect(
      world.api(.post, "/api/v1/runs/\(run)/complete", token: world.acmeToken, body: bodies[4].2).status
        == .ok)
    #expect(
      world.api(.post, "/api/v1/runs/\(run)/queue-failure", token: world.acmeToken, body: bodies[5].2).status
        == .conflict)
  }

  @Test func secretsNeverReachTheLogOrTheDatabaseInClear() throws {
    let world = try World()
    _ = world.browsers[.owner]!.signIn("owner@example.com", password: "wrong-secret-Pa55")
    _ = world.api(.get, "/api/v1/runs", token: world.acmeToken)
    _ = world.api(.get, "/api/v1/runs", token: world.revokedToken)
    var secrets = [
      AppFixture.password, "wrong-secret-Pa55", world.acmeToken, world.globexToken, world.revokedToken,
    ]
    secrets += world.browsers.values.compactMap { $0.cookies["runwatch_session"] }
    #expect(secrets.count == 10)
    let log = world.fixture.logs.text
    let stored = Data(try TestStorage.storedBytes(of: world.fixture.database))
    #expect(!stored.isEmpty)
    for secret in secrets {
      #expect(!log.contains(secret))
      #expect(stored.range(of: Data(secret.utf8)) == nil)
    }
  }
}
