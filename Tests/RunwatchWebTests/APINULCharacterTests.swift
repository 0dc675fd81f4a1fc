import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #19 item 7: a NUL inside an identifier is refused with a 422 naming the field (it used to cut the bound
/// value short, so `olivia@…\u0000-not-olivia` was taken for Olivia); inside free text it is kept whole.
@Suite struct APINULCharacterTests {
  final class World {
    let fixture: AppFixture
    let app: RunwatchApp
    let token: String

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      try fixture.member("olivia@example.com", role: .operator)
      token = try fixture.identity.createAPIToken(workspaceID: fixture.acme.id, name: "acme-worker").secret
    }

    func api(_ method: HTTPMethod, _ target: String, body: String = "{}") -> HTTPResponse {
      let headers = HTTPHeaders([
        ("Host", Browser.host), ("Content-Type", "application/json"), ("Authorization", "Bearer \(token)"),
      ])
      return app.router.respond(
        to: HTTPRequest(
          method: method, target: "/api/v1" + target, headers: headers, body: Array(body.utf8),
          remoteAddress: "192.0.2.99"))
    }
  }

  static func error(_ response: HTTPResponse) -> (field: String?, message: String?) {
    let error = JSONValue(jsonText: response.bodyText)?["error"]
    return (error?["field"]?.stringValue, error?["message"]?.stringValue)
  }

  @Test func initiatorWithANULIs422NamingTheField() throws {
    let world = try World()
    let response = world.api(
      .post, "/runs", body: #"{"type": "policy.sync", "initiator": "olivia@example.com\u0000-not-olivia"}"#)
    #expect(response.status == .unprocessableContent)
    let error = Self.error(response)
    #expect(error.field == "initiator")
    #expect(error.message?.contains("NUL") == true, "\(error.message ?? "")")
    #expect(
      try world.fixture.database.pool.read { try $0.scalar("SELECT COUNT(*) FROM operation_runs") } == 0)
  }

  @Test func typeWithANULIs422NamingTheField() throws {
    let world = try World()
    let response = world.api(.post, "/runs", body: #"{"type": "policy.sync\u0000x"}"#)
    #expect(response.status == .unprocessableContent)
    #expect(Self.error(response).field == "type")
    #expect(Self.error(response).message?.contains("NUL") == true)
  }

  @Test func exceptionClassWithANULIs422NamingTheField() throws {
    let world = try World()
    let created = world.api(.post, "/runs", body: #"{"type": "policy.sync"}"#)
    let id = try #require(JSONValue(jsonText: created.bodyText)?["id"]?.numberValue.map { Int64($0) })
    let response = world.api(
      .post, "/runs/\(id)/queue-failure", body: #"{"kind": "exception", "exception_class": "Job\u0000Other"}"#
    )
    #expect(response.status == .unprocessableContent)
    #expect(Self.error(response).field == "exception_class")
  }

  @Test func aNULInFreeTextIsStoredAndReturnedWhole() throws {
    let world = try World()
    let created = world.api(
      .post, "/runs",
      body:
        #"{"type": "policy.sync", "initiator": "olivia@example.com", "context": {"note": "before\u0000after"}}"#
    )
    #expect(created.status == .created)
    let id = try #require(JSONValue(jsonText: created.bodyText)?["id"]?.numberValue.map { Int64($0) })
    #expect(world.api(.post, "/runs/\(id)/start").status == .ok)
    let completed = world.api(
      .post, "/runs/\(id)/complete",
      body: #"{"outcome": "failed", "failures": [{"code": "e1", "message": "disk\u0000full"}]}"#)
    #expect(completed.status == .ok)
    let stored = try #require(try world.fixture.database.run(id: id))
    #expect(stored.context["note"]?.stringValue == "before\u{0}after")
    #expect(stored.failures.first?.message == "disk\u{0}full")
    let fetched = try #require(JSONValue(jsonText: world.api(.get, "/runs/\(id)").bodyText))
    #expect(fetched["context"]?["note"]?.stringValue == "before\u{0}after")
    guard case .array(let failures)? = fetched["failure_summary"] else {
      Issue.record("failure_summary is an array")
      return
    }
    #expect(failures.first?["message"]?.stringValue == "disk\u{0}full")
    #expect(fetched["initiator"]?.stringValue == "olivia@example.com")
  }
}
