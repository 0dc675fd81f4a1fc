import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing
import Yams

@testable import RunwatchWeb

/// docs/openapi.yaml against the code: every registered route and every status a handler can answer is
/// documented, and nothing documented is missing from the code.
@Suite struct APIOpenAPITests {
  static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")

  func document() throws -> [String: Any] {
    let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
    return try #require(try Yams.load(yaml: text) as? [String: Any])
  }

  /// "METHOD /path" → documented statuses.
  func documentedOperations() throws -> [String: Set<Int>] {
    let paths = try #require(try document()["paths"] as? [String: Any])
    var operations: [String: Set<Int>] = [:]
    for (path, item) in paths {
      let item = try #require(item as? [String: Any])
      for (method, operation) in item where method != "parameters" {
        let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any])
        operations["\(method.uppercased()) \(path)"] = Set(responses.keys.compactMap { Int($0) })
      }
    }
    return operations
  }

  @Test func everyRouteAndStatusIsDocumentedAndViceVersa() throws {
    let documented = try documentedOperations()
    var coded: [String: Set<Int>] = [:]
    for spec in APIRoutes.routes { coded["\(spec.method.rawValue) \(spec.path)"] = spec.statuses }
    #expect(Set(documented.keys) == Set(coded.keys))
    for (operation, statuses) in coded {
      #expect(documented[operation] == statuses, "\(operation)")
    }
  }

  @Test func theRouterRegistersExactlyTheTable() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-oas-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try RunwatchDatabase(
      location: try TestStorage.freshLocation(in: directory), policy: .builtIn)
    let clock = ManualTimeSource()
    var router = Router()
    APIRoutes.register(
      on: &router,
      environment: WebEnvironment(
        database: database, lifecycle: LifecycleService(database: database, clock: clock),
        identity: IdentityService(database: database, clock: clock), clock: clock,
        logger: Logger(label: "oas"),
        assets: nil))
    let registered = router.routeTemplates.map { "\($0.method.rawValue) \($0.template)" }
    let expected = APIRoutes.routes.map {
      "\($0.method.rawValue) \(APIRoutes.prefix)\($0.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: ""))"
    }
    #expect(registered == expected)
  }

  @Test func everyReferenceResolvesAndTheBearerSchemeIsDeclared() throws {
    let document = try document()
    #expect(document["openapi"] as? String == "3.0.3")
    let servers = try #require(document["servers"] as? [[String: Any]])
    #expect(servers.first?["url"] as? String == APIRoutes.prefix)
    let components = try #require(document["components"] as? [String: Any])
    let scheme = try #require((components["securitySchemes"] as? [String: Any])?["bearer"] as? [String: Any])
    #expect(scheme["scheme"] as? String == "bearer")
    let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
    let references = text.split(separator: "\n").compactMap { line -> String? in
      guard let range = line.range(of: "$ref: '#/components/") else { return nil }
      return String(line[range.upperBound...].dropLast())
    }
    #expect(!references.isEmpty)
    for reference in references {
      let parts = reference.split(separator: "/").map(String.init)
      #expect((components[parts[0]] as? [String: Any])?[parts[1]] != nil, "\(reference)")
    }
    let runProperties = try #require(
      ((components["schemas"] as? [String: Any])?["Run"] as? [String: Any])?["properties"] as? [String: Any])
    #expect(
      Set(runProperties.keys) == [
        "id", "workspace", "tenant_id", "type", "status", "outcome", "freshness", "initiator",
        "summary_counts",
        "failure_summary", "context", "created_at", "started_at", "last_heartbeat_at", "completed_at",
        "stale_at", "heartbeat_timeout_seconds", "reconciliation", "late_reports", "url", "worker",
        "linked_record",
      ])
  }
}

/// The document is served by the server itself, without a token, as it ships in `Public/`.
@Suite struct APIOpenAPIServedTests {
  static func app(withAssets: Bool = true) throws -> RunwatchApp {
    try RunwatchApp.standard(
      environment: try AppFixture(withAssets: withAssets).environment, options: SessionOptions())
  }

  @Test func theServerServesItsDocumentWithoutATokenAndRevalidatesIt() throws {
    let app = try Self.app()
    let response = app.router.respond(to: HTTPRequest(method: .get, target: "/api/v1/openapi.yaml"))
    #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
    #expect(response.headers["Content-Type"] == "application/yaml")
    let shipped = try Data(contentsOf: APIOpenAPITests.documentURL)
    #expect(Data(response.body) == shipped)
    let etag = try #require(response.headers["ETag"])
    let again = HTTPRequest(
      method: .get, target: "/api/v1/openapi.yaml", headers: HTTPHeaders([("If-None-Match", etag)]))
    #expect(app.router.respond(to: again).status == .notModified)
    // A token is not needed, and a bad one does not matter.
    let withBadToken = HTTPRequest(
      method: .get, target: "/api/v1/openapi.yaml",
      headers: HTTPHeaders([("Authorization", "Bearer rwt_nope")]))
    #expect(app.router.respond(to: withBadToken).status == .ok)
  }

  @Test func aServerWithoutTheDocumentSaysSoInJSON() throws {
    let app = try Self.app(withAssets: false)
    let response = app.router.respond(to: HTTPRequest(method: .get, target: "/api/v1/openapi.yaml"))
    #expect(response.status == .notFound)
    #expect(String(decoding: response.body, as: UTF8.self).contains("\"not_found\""))
  }
}
