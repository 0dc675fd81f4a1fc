import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #19 item 4: a run the caller may not see is refused after the same work as a missing id. The probe
/// counts rows decoded and bytes read rather than timing requests: a hidden run with a 200 KB context used to
/// be decoded in full before the 404, which made it 1–5 ms slower than a missing id.
@Suite struct RunAccessWorkTests {
  static let bigContext: JSONValue = ["notes": .string(String(repeating: "x", count: 200_000))]
  static let missingRunID: Int64 = 987_654

  /// Acme (Contoso, Fabrikam) and globex (Initech): an operator entitled to Contoso only, a Contoso run and
  /// big-context runs in Fabrikam (same workspace, other tenant) and Initech (other workspace).
  final class World {
    let fixture: AppFixture
    let app: RunwatchApp
    let browser: Browser
    let token: String
    let ownRun: OperationRun
    let otherTenantRun: OperationRun
    let otherWorkspaceRun: OperationRun

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      try fixture.member("operator@example.com", role: .operator, tenants: [fixture.contoso])
      let worker = Actor(kind: .worker, label: "probe", source: "test")
      let lifecycle = fixture.lifecycle
      func run(_ workspace: Workspace, _ tenant: Tenant) throws -> OperationRun {
        try lifecycle.create(
          NewRun(
            workspaceID: workspace.id, tenantID: tenant.id, initiatorUserID: nil, type: "policy.sync",
            context: RunAccessWorkTests.bigContext), by: worker)
      }
      ownRun = try run(fixture.acme, fixture.contoso)
      otherTenantRun = try run(fixture.acme, fixture.fabrikam)
      otherWorkspaceRun = try run(fixture.globex, fixture.initech)
      token = try fixture.identity.createAPIToken(workspaceID: fixture.acme.id, name: "acme-worker").secret
      browser = Browser(app: app, remoteAddress: "192.0.2.10")
      #expect(browser.signIn("operator@example.com").status == .seeOther)
    }

    func api(_ method: HTTPMethod, _ target: String, body: String = "{}", token: String? = nil)
      -> HTTPResponse
    {
      let headers = HTTPHeaders([
        ("Host", Browser.host), ("Content-Type", "application/json"),
        ("Authorization", "Bearer \(token ?? self.token)"),
      ])
      return app.router.respond(
        to: HTTPRequest(
          method: method, target: target, headers: headers, body: Array(body.utf8),
          remoteAddress: "192.0.2.99"))
    }
  }

  /// What answering `respond` decoded, with its status.
  static func measured(_ respond: () -> HTTPResponse) -> (status: HTTPStatus, probe: RunReadProbe) {
    let probe = RunReadProbe()
    let response = RunReadProbe.$current.withValue(probe) { respond() }
    return (response.status, probe)
  }

  /// A hidden run: 404, no whole row decoded, and only its few access bytes read (a missing id reads none);
  /// nothing near the size of its context.
  static func expectSameWorkAsMissing(
    hidden: (status: HTTPStatus, probe: RunReadProbe), missing: (status: HTTPStatus, probe: RunReadProbe),
    _ label: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(hidden.status == .notFound, "\(label)", sourceLocation: sourceLocation)
    #expect(missing.status == .notFound, "\(label)", sourceLocation: sourceLocation)
    #expect(hidden.probe.fullRowsDecoded == 0, "\(label): hidden run decoded", sourceLocation: sourceLocation)
    #expect(missing.probe.fullRowsDecoded == 0, "\(label)", sourceLocation: sourceLocation)
    #expect(hidden.probe.accessRowsRead == 1, "\(label)", sourceLocation: sourceLocation)
    #expect(missing.probe.accessRowsRead == 0, "\(label)", sourceLocation: sourceLocation)
    #expect(
      hidden.probe.bytesRead - missing.probe.bytesRead <= 64,
      "\(label): \(hidden.probe.bytesRead) bytes read for a hidden run, \(missing.probe.bytesRead) for a missing id",
      sourceLocation: sourceLocation)
  }

  @Test func runPageRefusesAHiddenRunAfterTheWorkOfAMissingOne() throws {
    let world = try World()
    let missing = Self.measured { world.browser.get("/operations/\(Self.missingRunID)") }
    for hidden in [world.otherTenantRun, world.otherWorkspaceRun] {
      Self.expectSameWorkAsMissing(
        hidden: Self.measured { world.browser.get("/operations/\(hidden.id)") }, missing: missing,
        "/operations/\(hidden.id)")
    }
    // The probe sees the whole row when the run is allowed: the comparison above is not vacuous.
    let allowed = Self.measured { world.browser.get("/operations/\(world.ownRun.id)") }
    #expect(allowed.status == .ok)
    #expect(allowed.probe.fullRowsDecoded == 1)
    #expect(allowed.probe.bytesRead > 200_000)
  }

  @Test func apiGetRunRefusesAHiddenRunAfterTheWorkOfAMissingOne() throws {
    let world = try World()
    let missing = Self.measured { world.api(.get, "/api/v1/runs/\(Self.missingRunID)") }
    Self.expectSameWorkAsMissing(
      hidden: Self.measured { world.api(.get, "/api/v1/runs/\(world.otherWorkspaceRun.id)") },
      missing: missing,
      "GET /api/v1/runs")
    let allowed = Self.measured { world.api(.get, "/api/v1/runs/\(world.ownRun.id)") }
    #expect(allowed.status == .ok)
    #expect(allowed.probe.fullRowsDecoded == 1)
    #expect(allowed.probe.bytesRead > 200_000)
  }

  @Test(arguments: [
    ("heartbeat", #"{"summary_counts": {"processed": 1}}"#), ("start", "{}"),
    ("complete", #"{"outcome": "succeeded"}"#), ("queue-failure", #"{"kind": "timeout"}"#),
  ])
  func workerRoutesRefuseAHiddenRunAfterTheWorkOfAMissingOne(route: String, body: String) throws {
    let world = try World()
    let missing = Self.measured { world.api(.post, "/api/v1/runs/\(Self.missingRunID)/\(route)", body: body) }
    let hidden = Self.measured {
      world.api(.post, "/api/v1/runs/\(world.otherWorkspaceRun.id)/\(route)", body: body)
    }
    Self.expectSameWorkAsMissing(hidden: hidden, missing: missing, route)
    let reread = try #require(try world.fixture.database.run(id: world.otherWorkspaceRun.id))
    #expect(reread == world.otherWorkspaceRun, "a refused \(route) changes nothing")
  }
}
