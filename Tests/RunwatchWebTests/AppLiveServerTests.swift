import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The real app on a real socket (port 0): the sign-in page and a static asset with its validator.
@Suite struct AppLiveServerTests {
  /// A session that does not follow redirects or keep cookies, so responses are seen as sent.
  static func fetch(_ url: String, headers: [String: String] = [:]) async throws -> (HTTPURLResponse, Data) {
    var request = URLRequest(url: try #require(URL(string: url)))
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    let (data, response) = try await URLSession(configuration: configuration).data(for: request)
    return (try #require(response as? HTTPURLResponse), data)
  }

  @Test func servesLoginAndAssetsOverTheSocket() async throws {
    let fixture = try AppFixture()
    let janitor = SessionJanitor(identity: fixture.identity, logger: fixture.environment.logger)
    let server = try RunwatchServer.start(
      app: fixture.app, host: "127.0.0.1", port: 0, configuration: HTTPServerConfiguration(threadCount: 2),
      services: [janitor])
    defer { server.stop() }
    #expect(server.http.port != 0)
    #expect(janitor.isRunning)
    let base = "http://127.0.0.1:\(server.http.port)"

    let (login, body) = try await Self.fetch(base + "/login")
    #expect(login.statusCode == 200)
    #expect(String(decoding: body, as: UTF8.self).contains("name=\"csrf_token\""))
    #expect(login.value(forHTTPHeaderField: "Content-Security-Policy") != nil)

    let (asset, css) = try await Self.fetch(base + "/assets/app.css")
    #expect(asset.statusCode == 200)
    #expect(!css.isEmpty)
    let etag = try #require(asset.value(forHTTPHeaderField: "ETag"))
    let (cached, _) = try await Self.fetch(base + "/assets/app.css", headers: ["If-None-Match": etag])
    #expect(cached.statusCode == 304)

    let (health, _) = try await Self.fetch(base + "/healthz")
    #expect(health.statusCode == 200)
    server.stop()
    #expect(!janitor.isRunning)
    #expect(!server.http.isRunning)
  }

  @Test func janitorPurgesExpiredSessions() throws {
    let fixture = try AppFixture(sessionSettings: SessionSettings(idleTimeout: 60, absoluteLifetime: 600))
    let user = try fixture.member("ana@example.com", role: .owner)
    _ = try fixture.identity.createSession(userID: user.id)
    let janitor = SessionJanitor(identity: fixture.identity, logger: fixture.environment.logger)
    #expect(janitor.purgeNow() == 0)
    fixture.clock.advance(by: 61)
    #expect(janitor.purgeNow() == 1)
    #expect(try fixture.database.pool.read { try $0.scalar("SELECT COUNT(*) FROM sessions") } == 0)
  }
}
