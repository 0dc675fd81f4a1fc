import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import RunwatchWeb
import TestStorage
import Testing

/// `/settings/webhooks` (#17): owners only (managers, operators and read-only members get 403, API tokens are
/// not page credentials), the secret shown once, a refused form kept as typed with a 422, every value escaped,
/// another workspace's webhook "not found", and the latest deliveries with their status.
@Suite struct PageWebhookSettingsTests {
  final class World {
    let fixture: AppFixture
    let app: RunwatchApp
    var browsers: [String: Browser] = [:]

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      try fixture.member("owner@example.com", role: .owner)
      try fixture.member("manager@example.com", role: .manager)
      try fixture.member("operator@example.com", role: .operator, tenants: [fixture.contoso])
      try fixture.member("readonly@example.com", role: .readonly, tenants: [fixture.contoso])
      try fixture.member("globex@example.com", role: .owner, workspace: fixture.globex)
      for (index, who) in ["owner", "manager", "operator", "readonly", "globex"].enumerated() {
        let browser = Browser(app: app, remoteAddress: "192.0.2.\(20 + index)")
        #expect(browser.signIn("\(who)@example.com").status == .seeOther)
        browsers[who] = browser
      }
    }

    func get(_ who: String, _ target: String = WebhookSettingsPage.path) -> HTTPResponse {
      browsers[who]!.get(target)
    }

    func post(_ who: String, _ target: String = WebhookSettingsPage.path, _ fields: [(String, String)] = [])
      -> HTTPResponse
    {
      let browser = browsers[who]!
      let token = Browser.csrfToken(in: browser.get("/notifications").bodyText) ?? ""
      return browser.post(target, form: fields + [("csrf_token", token)])
    }
  }

  @Test func onlyOwnersManageWebhooks() throws {
    let world = try World()
    #expect(world.get("owner").status == .ok)
    #expect(world.get("globex").status == .ok, "an owner of another workspace manages that one's")
    for who in ["manager", "operator", "readonly"] {
      let page = world.get(who)
      #expect(page.status == .forbidden, "\(who)")
      #expect(page.bodyText.contains("webhooks.manage"))
      #expect(world.post(who, WebhookSettingsPage.path, [("url", "https://a.example")]).status == .forbidden)
    }
    #expect(try world.fixture.database.webhooks(workspaceID: world.fixture.acme.id).isEmpty)
    // Notifications link the page for owners only.
    #expect(world.get("owner", "/notifications").bodyText.contains("href=\"/settings/webhooks\""))
    #expect(!world.get("manager", "/notifications").bodyText.contains("href=\"/settings/webhooks\""))
    // Anonymous: sign in first; a worker token is no page credential.
    let anonymous = Browser(app: world.app, remoteAddress: "192.0.2.99")
    #expect(anonymous.get(WebhookSettingsPage.path).status == .found)
    let token = try world.fixture.identity.createAPIToken(workspaceID: world.fixture.acme.id, name: "w")
      .secret
    #expect(
      anonymous.get(WebhookSettingsPage.path, headers: [("Authorization", "Bearer \(token)")]).status
        == .found)
  }

  @Test func addingShowsTheSecretOnceAndTheListNeverAgain() throws {
    let world = try World()
    let added = world.post(
      "owner", WebhookSettingsPage.path,
      [
        ("url", "https://hooks.example.com/runwatch"), ("events", "run.failed"), ("events", "run.reconciled"),
        ("format", "slack"), ("secret", ""),
      ])
    #expect(added.status == .created)
    let webhook = try #require(try world.fixture.database.webhooks(workspaceID: world.fixture.acme.id).first)
    #expect(webhook.url == "https://hooks.example.com/runwatch")
    #expect(webhook.events == WebhookEvents([.failed, .reconciled]) && webhook.format == .slack)
    let secret = try #require(
      added.bodyText.range(of: "<code class=\"secret\">").map {
        added.bodyText[$0.upperBound...].prefix { $0 != "<" }
      })
    #expect(secret.hasPrefix("whsec_"))
    let again = world.get("owner").bodyText
    #expect(again.contains("data-webhook-id=\"\(webhook.id)\""))
    #expect(!again.contains(String(secret)))
  }

  @Test func aRefusedFormComesBackAsTypedWith422AndEscaped() throws {
    let world = try World()
    let hostile = "ftp://x.example/<script>alert(1)</script>\""
    let refused = world.post(
      "owner", WebhookSettingsPage.path,
      [("url", hostile), ("events", "run.terminal"), ("format", "slack"), ("secret", "my<secret>")])
    #expect(refused.status == .unprocessableContent)
    let body = refused.bodyText
    #expect(body.contains("The URL must start with http:// or https://."))
    #expect(!body.contains("<script>alert(1)</script>"))
    #expect(body.contains("value=\"ftp://x.example/&lt;script&gt;alert(1)&lt;/script&gt;&quot;\""))
    #expect(body.contains("value=\"my&lt;secret&gt;\""))
    #expect(body.contains("name=\"events\" value=\"run.terminal\" checked"))
    #expect(!body.contains("name=\"events\" value=\"run.failed\" checked"))
    #expect(body.contains("name=\"format\" value=\"slack\" checked"))
    for (fields, words) in [
      ([("url", "https://"), ("events", "run.failed"), ("format", "runwatch")], "must name a host"),
      ([("url", "https://a.example/x"), ("format", "runwatch")], "at least one"),
      ([("url", "https://a.example/x"), ("events", "run.bogus"), ("format", "runwatch")], "at least one"),
      ([("url", "https://a.example/x"), ("events", "run.failed"), ("format", "xml")], "Choose a format"),
      (
        [("url", "https://user:pw@a.example/"), ("events", "run.failed"), ("format", "runwatch")], "password"
      ),
    ] {
      let response = world.post("owner", WebhookSettingsPage.path, fields)
      #expect(response.status == .unprocessableContent, "\(fields)")
      #expect(response.bodyText.contains(words), "\(fields)")
    }
    #expect(try world.fixture.database.webhooks(workspaceID: world.fixture.acme.id).isEmpty)
  }

  @Test func removingAnotherWorkspacesWebhookIsNotFound() throws {
    let world = try World()
    let database = world.fixture.database
    let theirs = try database.addWebhook(
      workspaceID: world.fixture.globex.id, url: "https://globex.example/hook", secret: nil, events: .all,
      format: .runwatch, at: Date())
    let ours = try database.addWebhook(
      workspaceID: world.fixture.acme.id, url: "https://acme.example/hook", secret: nil, events: .all,
      format: .runwatch, at: Date())
    #expect(world.post("owner", WebhookSettingsPage.removePath(id: theirs.webhook.id)).status == .notFound)
    #expect(world.post("owner", WebhookSettingsPage.removePath(id: 987_654)).status == .notFound)
    #expect(world.post("manager", WebhookSettingsPage.removePath(id: ours.webhook.id)).status == .forbidden)
    #expect(try database.webhooks(workspaceID: world.fixture.globex.id).count == 1)
    let removed = world.post("owner", WebhookSettingsPage.removePath(id: ours.webhook.id))
    #expect(removed.status == .seeOther)
    #expect(try database.webhooks(workspaceID: world.fixture.acme.id).isEmpty)
    #expect(world.get("owner", "\(WebhookSettingsPage.path)?before=x").status == .badRequest)
  }

  @Test func deliveriesAreListedWithTheirStatusAndEscapedErrors() throws {
    let world = try World()
    let database = world.fixture.database
    let hook = try database.addWebhook(
      workspaceID: world.fixture.acme.id, url: "https://acme.example/hook?a=1&b=<2>", secret: "k",
      events: .all,
      format: .runwatch, at: Date())
    let worker = Actor(kind: .worker, label: "w", source: "test")
    let run = try world.fixture.lifecycle.create(
      NewRun(
        workspaceID: world.fixture.acme.id, tenantID: world.fixture.contoso.id, initiatorUserID: nil,
        type: "policy.sync"),
      by: worker)
    _ = try world.fixture.lifecycle.complete(runID: run.id, outcome: .failed, by: worker)
    try database.pool.write { connection in
      _ = try connection.execute(
        "UPDATE webhook_deliveries SET attempts = 3, last_http_status = 500, last_error = ? WHERE webhook_id = ?",
        ["<b>boom</b>", hook.webhook.id])
    }
    let page = world.get("owner").bodyText
    #expect(page.contains("data-delivery-status=\"pending\""))
    #expect(page.contains("<td>3</td><td>500</td><td>&lt;b&gt;boom&lt;/b&gt;</td>"))
    #expect(page.contains("https://acme.example/hook?a=1&amp;b=&lt;2&gt;"))
    #expect(page.contains("href=\"/operations/\(run.id)\""))
    #expect(!world.get("globex").bodyText.contains("data-delivery-id"))
  }
}
