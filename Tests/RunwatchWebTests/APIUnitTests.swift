import Foundation
import HTTPServer
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore
@testable import RunwatchWeb

/// Request decoding, the run object and error mapping, without a socket.
@Suite struct APIUnitTests {
  func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
    var headers = HTTPHeaders()
    if let contentType { headers.add("Content-Type", contentType) }
    return HTTPRequest(method: .post, target: "/api/v1/runs", headers: headers, body: Array(body.utf8))
  }

  @Test func contentTypesAcceptedAreJSONInUTF8Only() {
    #expect(APIBody.isJSON(contentType: "application/json"))
    #expect(APIBody.isJSON(contentType: "Application/JSON; charset=UTF-8"))
    #expect(APIBody.isJSON(contentType: "application/vnd.runwatch+json"))
    #expect(!APIBody.isJSON(contentType: "application/json; charset=utf-16"))
    #expect(!APIBody.isJSON(contentType: "text/json"))
    #expect(!APIBody.isJSON(contentType: nil))
  }

  @Test func emptyBodyIsAnEmptyObjectAndBadBodiesMapToTheirStatus() throws {
    #expect(try APIBody(request: request("", contentType: nil)).members.isEmpty)
    #expect(throws: APIError.unsupportedMediaType()) {
      try APIBody(request: request("{}", contentType: "text/plain"))
    }
    #expect(throws: APIError.malformedJSON("expected a member name at byte 1")) {
      try APIBody(request: request("{nope"))
    }
    #expect(throws: APIError.malformedJSON("unexpected character at byte 0")) {
      try APIBody(request: request("\u{FF}"))
    }
    #expect(throws: APIError.invalidField("body", "must be a JSON object")) {
      try APIBody(request: request("\"x\""))
    }
  }

  @Test func countsAreWholeNonNegativeNumbersNamedInErrors() throws {
    let good = APIBody(members: ["summary_counts": ["a": 0, "b": 9_007_199_254_740_991]])
    #expect(try good.counts("summary_counts") == ["a": 0, "b": 9_007_199_254_740_991])
    for bad: JSONValue in ["x", 1.5, -1, true, .null, 9_007_199_254_740_992.0, ["nested": 1]] {
      #expect(throws: APIError.self) {
        try APIBody(members: ["summary_counts": ["n": bad]]).counts("summary_counts")
      }
    }
    let many = JSONValue.object(
      Dictionary(uniqueKeysWithValues: (0...100).map { ("k\($0)", JSONValue.number(1)) }))
    #expect(throws: APIError.self) { try APIBody(members: ["summary_counts": many]).counts("summary_counts") }
  }

  @Test func longMessagesAreCutNotRefused() throws {
    let body = APIBody(members: ["message": .string(String(repeating: "é", count: 3000))])
    let message = try #require(try body.message("message"))
    #expect(message.count == APIBody.maximumMessageLength)
    #expect(message.hasSuffix("…"))
  }

  @Test func refusalsMapTo409WithTheRunAnd404WhenGone() {
    let run = OperationRun(
      id: 4, workspaceID: 1, tenantID: nil, initiatorUserID: nil, type: "x", createdAt: Date())
    let conflict = APIError.refused(Refusal(reason: .tenantArchived, run: run, lateReportID: nil))
    #expect(conflict.status == .conflict)
    #expect(conflict.code == "tenant_archived")
    #expect(conflict.run == run)
    #expect(APIError.refused(Refusal(reason: .notFound, run: nil, lateReportID: nil)).status == .notFound)
  }

  @Test func runObjectHasExactlyTheDocumentedMembersInRFC3339UTC() throws {
    let created = Date(timeIntervalSince1970: 1_800_000_000)
    let run = OperationRun(
      id: 9, workspaceID: 1, tenantID: 2, initiatorUserID: 3, type: "policy.sync", status: .completed,
      outcome: .failed, summaryCounts: ["n": 2], createdAt: created,
      startedAt: created.addingTimeInterval(1.4),
      completedAt: created.addingTimeInterval(60),
      reconciliation: Reconciliation(
        reason: .staleRunning, source: "cli", evidence: ["threshold": 1200],
        reconciledAt: created.addingTimeInterval(60)))
    let json = APIRunObject.json(
      run, workspaceSlug: "acme", initiatorEmail: "ana@example.com", lateReports: [], policy: .builtIn,
      now: created)
    #expect(
      Set(try #require(json.objectValue).keys) == [
        "id", "workspace", "tenant_id", "type", "status", "outcome", "freshness", "initiator",
        "summary_counts",
        "failure_summary", "context", "created_at", "started_at", "last_heartbeat_at", "completed_at",
        "stale_at", "heartbeat_timeout_seconds", "reconciliation", "late_reports", "url", "worker",
        "linked_record",
      ])
    #expect(json["linked_record"] == .null, "a run without a linked record")
    #expect(json["worker"] == .null, "no worker said who it was")
    #expect(json["stale_at"] == .null, "a terminal run has no deadline")
    #expect(json["heartbeat_timeout_seconds"] == .null, "policy.sync has no heartbeat window built in")
    #expect(json["created_at"] == "2027-01-15T08:00:00Z")
    #expect(json["started_at"] == "2027-01-15T08:00:01Z")
    #expect(json["last_heartbeat_at"] == .null)
    #expect(json["freshness"] == "reconciled_failed")
    #expect(json["reconciliation"]?["label"] == .string(ReasonCatalog.describe(.staleRunning).label))
    #expect(json["url"] == "/operations/9")
  }

  @Test func listQueryDefaultsAndBounds() throws {
    let defaults = try APIListQuery(query: QueryParameters())
    #expect(defaults.limit == 50)
    #expect(defaults.after == nil)
    #expect(
      try APIListQuery(query: QueryParameters(parsing: "limit=200&after=17&status=running")).after == 17)
    #expect(throws: APIError.invalidField("limit", "must be an integer from 1 to 200")) {
      try APIListQuery(query: QueryParameters(parsing: "limit=201"))
    }
  }

  @Test func theRunObjectWrittenFromItsMembersIsTheSortedJSONText() throws {
    let created = Date(timeIntervalSince1970: 1_800_000_000.25)
    let policy: LifecyclePolicy = {
      var policy = LifecyclePolicy.builtIn
      policy.types["inventory_sync"]?.heartbeatTimeoutSeconds = 90
      return policy
    }()
    let report = LateReport(
      id: 4, runID: 9, receivedAt: created.addingTimeInterval(99), kind: "heartbeat", reporter: "token:ci",
      payload: ["summary_counts": ["n": 3]])
    let runs = [
      OperationRun(
        id: 9, workspaceID: 1, tenantID: 2, initiatorUserID: 3, type: "policy.sync", status: .completed,
        outcome: .failed, summaryCounts: ["n": 2, "é/\"": 9_007_199_254_740_991],
        failures: [RunFailure(code: "graph.throttled", message: "429 \u{1} \n from Graph")],
        context: ["path": "a/b", "nested": ["k": [1.5, nil, true]]], createdAt: created,
        startedAt: created.addingTimeInterval(1.4), completedAt: created.addingTimeInterval(60),
        reconciliation: Reconciliation(
          reason: .staleRunning, source: "cli", evidence: ["threshold": 1200, "deadline": "heartbeat"],
          reconciledAt: created.addingTimeInterval(60))),
      OperationRun(
        id: 10, workspaceID: 1, tenantID: nil, initiatorUserID: nil, type: "inventory_sync", status: .running,
        createdAt: created, startedAt: created, lastHeartbeatAt: created.addingTimeInterval(30)),
      OperationRun(
        id: 11, workspaceID: 1, tenantID: 2, initiatorUserID: nil, type: "custom:x", createdAt: created),
    ]
    for run in runs {
      for (email, reports) in [("ana@example.com", [report]), (nil, [])] as [(String?, [LateReport])] {
        let details = RunDetails(run: run, workspaceSlug: "acme", initiatorEmail: email, lateReports: reports)
        for now in [created, created.addingTimeInterval(86_400)] {
          let tree = APIRunObject.json(details, policy: policy, now: now)
          #expect(APIRunObject.utf8(details, policy: policy, now: now) == tree.jsonBytes)
          #expect(tree["created_at"] == .timestamp(run.createdAt))
          #expect(tree["started_at"] == run.startedAt.map(JSONValue.timestamp) ?? .null)
        }
      }
    }
  }

  @Test func bearerSecretNeedsTheBearerScheme() {
    #expect(APIHandlers.bearerSecret("Bearer rwt_abc") == "rwt_abc")
    #expect(APIHandlers.bearerSecret("bearer   rwt_abc ") == "rwt_abc")
    #expect(APIHandlers.bearerSecret("Basic rwt_abc") == nil)
    #expect(APIHandlers.bearerSecret("Bearer") == nil)
    #expect(APIHandlers.bearerSecret(nil) == nil)
  }

  @Test func bearerSecretReadsBytesAsItReadCharacters() {
    let pieces = [
      " ", " ", "\t", "Bearer", "bearer", "BEARER", "Bearer\t", "Basic", "b", "rwt_abc", "x", "\r\n",
      "\u{A0}",
      "\u{3000}", "é", "\u{301}", "bearers", "Beare",
    ]
    var state: UInt64 = 0xBEA7
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    for _ in 0..<5_000 {
      let header = (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined()
      #expect(
        APIHandlers.bearerSecret(header) == APIHandlers.bearerSecretByCharacters(header),
        "\(header.debugDescription)")
    }
  }
}
