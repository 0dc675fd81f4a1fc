import Foundation
import HTTPServer
import RunwatchWeb
import TestStorage
import Testing

/// `serve --metrics-token`: `/metrics` answers only a scraper that sends the token; without one it stays open.
@Suite struct MetricsTokenTests {
  static let token = "scrape-4f9c1d2e8a7b6c5d"

  static func scrape(_ fixture: AppFixture, authorization: String?) -> HTTPResponse {
    var headers: HTTPHeaders = ["Host": "runwatch.test"]
    if let authorization { headers.set("Authorization", authorization) }
    return fixture.respond(HTTPRequest(method: .get, target: "/metrics", headers: headers))
  }

  @Test func withATokenOnlyTheRightBearerTokenReadsTheMetrics() throws {
    let fixture = try AppFixture(metricsAccess: try MetricsAccess(token: Self.token))
    for refused in [
      nil, "Bearer", "Bearer wrong-token-of-some-length", "Bearer \(Self.token)x", "Basic \(Self.token)",
      "Bearer \(Self.token.dropLast())",
    ] {
      let response = Self.scrape(fixture, authorization: refused)
      #expect(response.status == .unauthorized, "\(refused ?? "no header")")
      #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"metrics\"")
      #expect(!response.bodyText.contains("runwatch_runs"))
    }
    for accepted in ["Bearer \(Self.token)", "bearer \(Self.token)"] {
      let response = Self.scrape(fixture, authorization: accepted)
      #expect(response.status == .ok, "\(accepted)")
      #expect(response.bodyText.contains("# TYPE runwatch_runs gauge"))
    }
    // Probes stay cheap and open.
    let health = fixture.respond(
      HTTPRequest(method: .get, target: "/healthz", headers: ["Host": "runwatch.test"]))
    #expect(health.status == .ok)
  }

  @Test func withoutATokenTheMetricsAreOpen() throws {
    let fixture = try AppFixture()
    #expect(Self.scrape(fixture, authorization: nil).status == .ok)
    #expect(Self.scrape(fixture, authorization: "Bearer anything").status == .ok)
  }
}
