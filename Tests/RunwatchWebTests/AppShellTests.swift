import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Issue #4 app shell: routing edges, error pages, security headers, assets, health and the request log.
@Suite struct AppShellTests {
  static func get(_ fixture: AppFixture, _ target: String, method: HTTPMethod = .get) -> HTTPResponse {
    fixture.respond(HTTPRequest(method: method, target: target, headers: ["Host": "runwatch.test"]))
  }

  @Test(arguments: [
    "/nope", "/operations/abc/def", "/assets/../Package.swift", "/login/extra", "//evil.example",
  ])
  func unknownRoutesGetTheStyled404(target: String) throws {
    let fixture = try AppFixture()
    let response = Self.get(fixture, target)
    #expect(response.status == .notFound)
    #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
    #expect(response.bodyText.contains("<!doctype html>"))
    #expect(response.bodyText.contains("data-status=\"404\""))
    #expect(response.headers["Cache-Control"] == "private, no-store")
  }

  @Test func unknownRouteBodiesAreIdentical() throws {
    let fixture = try AppFixture()
    #expect(Self.get(fixture, "/a").body == Self.get(fixture, "/b/c?x=<script>").body)
  }

  @Test func wrongMethodIs405WithAllow() throws {
    let fixture = try AppFixture()
    let response = fixture.respond(
      HTTPRequest(method: .delete, target: "/login", headers: ["Host": "runwatch.test"]))
    #expect(response.status == .methodNotAllowed)
    #expect(response.headers["Allow"] == "GET, HEAD, POST")
    #expect(response.bodyText.contains("data-status=\"405\""))
  }

  @Test func apiErrorsAreJSON() throws {
    let fixture = try AppFixture()
    let response = Self.get(fixture, "/api/v1/nothing-here")
    #expect(response.status == .notFound)
    #expect(response.headers["Content-Type"] == "application/json")
    let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    let error = try #require(object?["error"] as? [String: String])
    #expect(error["code"] == "not_found")
    #expect(error["message"]?.isEmpty == false)
  }

  @Test func oversizedBodiesAre413Styled() throws {
    let fixture = try AppFixture()
    let page = fixture.app.router.respond(
      rejecting: HTTPRequest(method: .post, target: "/login"), status: .payloadTooLarge)
    #expect(page.status == .payloadTooLarge)
    #expect(page.bodyText.contains("data-status=\"413\""))
    let api = fixture.app.router.respond(
      rejecting: HTTPRequest(method: .post, target: "/api/v1/runs"), status: .payloadTooLarge)
    #expect(api.headers["Content-Type"] == "application/json")
  }

  @Test func rootRedirectsToOperationsAndFaviconToTheSVG() throws {
    let fixture = try AppFixture()
    let root = Self.get(fixture, "/")
    #expect(root.status == .found)
    #expect(root.headers["Location"] == "/operations")
    let favicon = Self.get(fixture, "/favicon.ico")
    #expect(favicon.status == .movedPermanently)
    #expect(favicon.headers["Location"]?.hasPrefix("/assets/favicon.svg?v=") == true)
  }

  @Test func securityHeadersOnEveryResponse() throws {
    let fixture = try AppFixture()
    for target in ["/login", "/nope", "/healthz", "/assets/app.css"] {
      let response = Self.get(fixture, target)
      #expect(response.headers["Content-Security-Policy"]?.contains("script-src 'self'") == true, "\(target)")
      #expect(response.headers["X-Content-Type-Options"] == "nosniff")
      #expect(response.headers["Referrer-Policy"] == "same-origin")
    }
  }

  @Test func staticAssetsHaveValidatorsAndLongCachingWhenFingerprinted() throws {
    let fixture = try AppFixture()
    let assets = try #require(fixture.environment.assets)
    let url = assets.url(for: "app.css")
    let response = Self.get(fixture, url)
    #expect(response.status == .ok)
    #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
    #expect(response.headers["Cache-Control"]?.contains("immutable") == true)
    let etag = try #require(response.headers["ETag"])
    let again = fixture.respond(
      HTTPRequest(method: .get, target: url, headers: ["Host": "runwatch.test", "If-None-Match": etag]))
    #expect(again.status == .notModified)
    // The login page links exactly this fingerprinted stylesheet.
    #expect(Self.get(fixture, "/login").bodyText.contains("href=\"\(url)\""))
  }

  @Test func healthzAnswersOkThen503WhenTheDatabaseFails() throws {
    let fixture = try AppFixture()
    let ok = Self.get(fixture, "/healthz")
    #expect(ok.status == .ok)
    #expect(ok.bodyText == "{\"status\":\"ok\"}\n")
    try fixture.database.pool.write { try $0.execute("DROP TABLE runwatch_meta") }
    let down = Self.get(fixture, "/healthz")
    #expect(down.status == .serviceUnavailable)
    #expect(fixture.logs.text.contains("health check failed"))
  }

  @Test func debugLogHasOneLinePerRequestWithRouteTemplate() throws {
    let fixture = try AppFixture()
    _ = Self.get(fixture, "/login?next=/secret-path")
    _ = Self.get(fixture, "/assets/app.css")
    _ = Self.get(fixture, "/no/such/thing")
    let lines = fixture.logs.all.filter { $0.hasPrefix("debug request ") }
    #expect(lines.count == 3)
    #expect(lines[0].contains("http.method=GET") && lines[0].contains("http.route=/login"))
    #expect(lines[0].contains("http.status=200") && lines[0].contains("http.duration_ms="))
    #expect(lines[1].contains("http.route=/assets/*file"))
    #expect(lines[2].contains("http.route=unmatched") && lines[2].contains("http.status=404"))
    #expect(!fixture.logs.text.contains("secret-path"))
  }
}
