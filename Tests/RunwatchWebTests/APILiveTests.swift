import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import HTTPServer
@testable import RunwatchWeb

/// The worker API through a real socket: happy paths, every 4xx, late reports, refusals and scoping.
@Suite struct APILiveTests {
  @Test func workerDrivesARunFromCreateToSucceeded() throws {
    let fixture = try APIServerFixture()
    let created = try fixture.send(
      "POST", "/runs",
      json: #"""
        {"type": "policy.sync", "tenant_id": \#(fixture.tenant.id), "initiator": "ANA@example.com",
         "context": {"batch": 7}, "unknown_member": true}
        """#)
    #expect(created.status == 201)
    let id = try #require(created.json["id"]?.numberValue).formatted(.number.grouping(.never))
    #expect(created.header("Location") == "/api/v1/runs/\(id)")
    #expect(created.header("Content-Type") == "application/json")
    #expect(created.json["status"] == "queued")
    #expect(created.json["outcome"] == "pending")
    #expect(created.json["freshness"] == "fresh_active")
    #expect(created.json["workspace"] == "acme")
    #expect(created.json["initiator"] == "ana@example.com")
    #expect(created.json["context"] == ["batch": 7])
    #expect(created.json["url"] == .string("/operations/\(id)"))
    #expect(created.json["created_at"] == .string(RFC3339.string(from: fixture.clock.now())))
    #expect(created.json["started_at"] == .null)
    #expect(created.json["reconciliation"] == .null)
    #expect(created.json["late_reports"] == [])

    fixture.clock.advance(by: 5)
    let started = try fixture.send("POST", "/runs/\(id)/start")
    #expect(started.status == 200)
    #expect(started.json["status"] == "running")
    #expect(started.json["started_at"] == .string(RFC3339.string(from: fixture.clock.now())))

    let beat = try fixture.send(
      "POST", "/runs/\(id)/heartbeat", json: #"{"summary_counts": {"processed": 10, "total": 50}}"#)
    #expect(beat.status == 200)
    #expect(beat.json["summary_counts"] == ["processed": 10, "total": 50])

    let done = try fixture.send(
      "POST", "/runs/\(id)/complete",
      json:
        #"{"outcome": "partially_succeeded", "summary_counts": {"processed": 49}, "failures": [{"code": "graph.throttled", "message": "429 from Graph"}]}"#
    )
    #expect(done.status == 200)
    #expect(done.json["status"] == "completed")
    #expect(done.json["outcome"] == "partially_succeeded")
    #expect(done.json["freshness"] == "terminal_normal")
    #expect(done.json["summary_counts"] == ["processed": 49, "total": 50])
    #expect(done.json["failure_summary"] == [["code": "graph.throttled", "message": "429 from Graph"]])

    let shown = try fixture.send("GET", "/runs/\(id)")
    #expect(shown.status == 200)
    #expect(shown.json == done.json)
  }

  @Test func missingMalformedUnknownAndRevokedTokensGet401JSON() throws {
    let fixture = try APIServerFixture()
    let revoked = try fixture.identity.createAPIToken(workspaceID: fixture.workspace.id, name: "old")
    try fixture.identity.revokeAPIToken(id: revoked.token.id)
    for token in [nil, "", "rwt_unknown", "not-a-token", revoked.secret] as [String?] {
      let response = try fixture.send("GET", "/runs", token: .some(token))
      #expect(response.status == 401)
      #expect(response.errorCode == "unauthorized")
      #expect(response.header("WWW-Authenticate") == "Bearer")
    }
    let basic = try LiveHTTP.send(
      method: "GET", target: "/api/v1/runs", headers: [("Authorization", "Basic \(fixture.token)")], body: [],
      port: fixture.server.port)
    #expect(basic.status == 401)
  }

  @Test func anotherWorkspacesTokenGetsTheSame404AsAnUnknownRun() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    let unknown = try fixture.send("GET", "/runs/999999")
    #expect(unknown.status == 404)
    for (method, path, body) in [
      ("GET", "/runs/\(id)", nil), ("POST", "/runs/\(id)/start", nil),
      ("POST", "/runs/\(id)/heartbeat", #"{"summary_counts": {}}"#),
      ("POST", "/runs/\(id)/complete", #"{"outcome": "succeeded"}"#),
      ("POST", "/runs/\(id)/queue-failure", #"{"kind": "timeout"}"#),
    ] as [(String, String, String?)] {
      let response = try fixture.send(method, path, json: body, token: .some(fixture.foreignToken))
      #expect(response.status == 404, "\(method) \(path)")
      #expect(response.body == unknown.body)
    }
    #expect(try fixture.database.run(id: id)?.status == .queued)
    let foreignList = try fixture.send("GET", "/runs", token: .some(fixture.foreignToken))
    #expect(foreignList.json["runs"] == [])
  }

  @Test func badBodiesGet400415Or422NamingTheField() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    _ = try fixture.send("POST", "/runs/\(id)/start")

    let malformed = try fixture.send("POST", "/runs", json: #"{"type": "policy.sync""#)
    #expect(malformed.status == 400)
    #expect(malformed.errorCode == "malformed_json")

    let wrongType = try fixture.send(
      "POST", "/runs", json: #"{"type": "policy.sync"}"#, contentType: "text/plain")
    #expect(wrongType.status == 415)
    #expect(wrongType.errorCode == "unsupported_media_type")
    let latin1 = try fixture.send(
      "POST", "/runs", json: #"{"type": "policy.sync"}"#, contentType: "application/json; charset=latin1")
    #expect(latin1.status == 415)
    let noType = try fixture.send("POST", "/runs", json: #"{"type": "policy.sync"}"#, contentType: nil)
    #expect(noType.status == 415)

    let cases: [(String, String, String)] = [
      ("/runs", "[1, 2]", "body"),
      ("/runs", "{}", "type"),
      ("/runs", #"{"type": 5}"#, "type"),
      ("/runs", #"{"type": "has space"}"#, "type"),
      ("/runs", #"{"type": "\#(String(repeating: "a", count: 101))"}"#, "type"),
      ("/runs", #"{"type": "x", "tenant_id": "1"}"#, "tenant_id"),
      ("/runs", #"{"type": "x", "tenant_id": \#(fixture.foreignTenant.id)}"#, "tenant_id"),
      ("/runs", #"{"type": "x", "initiator": "nobody@example.com"}"#, "initiator"),
      ("/runs", #"{"type": "x", "context": [1]}"#, "context"),
      ("/runs/\(id)/heartbeat", #"{"summary_counts": {"processed": "ten"}}"#, "summary_counts.processed"),
      ("/runs/\(id)/heartbeat", #"{"summary_counts": {"processed": 1.5}}"#, "summary_counts.processed"),
      ("/runs/\(id)/heartbeat", #"{"summary_counts": {"processed": -1}}"#, "summary_counts.processed"),
      ("/runs/\(id)/heartbeat", #"{"summary_counts": {"processed": true}}"#, "summary_counts.processed"),
      ("/runs/\(id)/heartbeat", #"{"summary_counts": [1]}"#, "summary_counts"),
      ("/runs/\(id)/complete", #"{"outcome": "pending"}"#, "outcome"),
      ("/runs/\(id)/complete", #"{"outcome": "done"}"#, "outcome"),
      ("/runs/\(id)/complete", #"{"outcome": "failed", "failures": [{"message": "x"}]}"#, "failures[0].code"),
      ("/runs/\(id)/queue-failure", #"{"kind": "crashed"}"#, "kind"),
      ("/runs/\(id)/queue-failure", #"{"kind": "timeout", "exception_class": 3}"#, "exception_class"),
    ]
    for (path, body, field) in cases {
      let response = try fixture.send("POST", path, json: body)
      #expect(response.status == 422, "\(path) \(body)")
      #expect(response.errorCode == "invalid_field")
      #expect(response.json["error"]?["field"] == .string(field), "\(path) \(body)")
      #expect(response.json["error"]?["message"]?.stringValue?.hasPrefix(field) == true)
    }
    let run = try #require(try fixture.database.run(id: id))
    #expect(run.status == .running)
    #expect(run.summaryCounts.isEmpty)
  }

  @Test func bodyOverOneMebibyteIs413JSONWithoutBeingBuffered() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    let response = try LiveHTTP.send(
      method: "POST", target: "/api/v1/runs/\(id)/heartbeat",
      headers: [("Authorization", "Bearer \(fixture.token)"), ("Content-Type", "application/json")],
      body: Array(repeating: UInt8(ascii: " "), count: 64 << 10), port: fixture.server.port,
      declaredLength: (1 << 20) + 1)
    #expect(response.status == 413)
    #expect(response.errorCode == "payload_too_large")
    #expect(response.header("Content-Type") == "application/json")
    #expect(fixture.server.peakBufferedBodyBytes < 1 << 20)

    let exactLimit = try LiveHTTP.send(
      method: "POST", target: "/api/v1/runs/\(id)/heartbeat",
      headers: [("Authorization", "Bearer \(fixture.token)"), ("Content-Type", "application/json")],
      body: Array(#"{"summary_counts": {}}"#.utf8)
        + Array(repeating: UInt8(ascii: " "), count: (1 << 20) - 22),
      port: fixture.server.port)
    #expect(exactLimit.status == 409)  // Accepted for parsing; refused only because the run is not started.
    #expect(exactLimit.errorCode == "not_started")
  }

  @Test func unknownAPIPathsAndMethodsAnswerJSON() throws {
    let fixture = try APIServerFixture()
    let missing = try fixture.send("GET", "/nothing-here")
    #expect(missing.status == 404)
    #expect(missing.errorCode == "not_found")
    let wrongMethod = try fixture.send("DELETE", "/runs")
    #expect(wrongMethod.status == 405)
    #expect(wrongMethod.errorCode == "method_not_allowed")
    #expect(wrongMethod.header("Allow") == "POST, GET, HEAD")
    let badID = try fixture.send("GET", "/runs/abc")
    #expect(badID.status == 404)
    #expect(badID.header("Content-Type") == "application/json")
  }

  @Test func startIsRefusedOnATerminalRunAndOnAnArchivedTenant() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(id)/start").status == 200)
    let twice = try fixture.send("POST", "/runs/\(id)/start")
    #expect(twice.status == 409)
    #expect(twice.errorCode == "already_started")
    #expect(twice.json["run"]?["status"] == "running")
    #expect(
      try fixture.send("POST", "/runs/\(id)/complete", json: #"{"outcome": "succeeded"}"#).status == 200)

    let late = try fixture.send("POST", "/runs/\(id)/start")
    #expect(late.status == 409)
    #expect(late.errorCode == "already_terminal")
    #expect(late.json["run"]?["outcome"] == "succeeded")
    #expect(late.json["run"]?["late_reports"]?.arrayCount == 1)

    let queued = try fixture.createRun(tenant: fixture.otherTenant)
    #expect(try fixture.database.archiveTenant(id: fixture.otherTenant.id, at: fixture.clock.now()))
    let archived = try fixture.send("POST", "/runs/\(queued)/start")
    #expect(archived.status == 409)
    #expect(archived.errorCode == "tenant_archived")
    #expect(archived.json["run"]?["status"] == "queued")
    let create = try fixture.send(
      "POST", "/runs", json: #"{"type": "policy.sync", "tenant_id": \#(fixture.otherTenant.id)}"#)
    #expect(create.status == 422)
    #expect(create.json["error"]?["field"] == "tenant_id")
  }

  @Test func lateReportsAfterReconciliationAre409AndKept() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(id)/heartbeat", json: "{}").errorCode == "not_started")
    #expect(try fixture.send("POST", "/runs/\(id)/start").status == 200)
    fixture.clock.advance(by: 1_201)
    #expect(try fixture.send("GET", "/runs/\(id)").json["freshness"] == "likely_stale")
    let result = try Reconciler(lifecycle: fixture.lifecycle, actor: .scheduledReconciler).reconcile()
    #expect(result.reconciled == 1)

    let beat = try fixture.send(
      "POST", "/runs/\(id)/heartbeat", json: #"{"summary_counts": {"processed": 3}}"#)
    #expect(beat.status == 409)
    #expect(beat.errorCode == "already_terminal")
    #expect(beat.json["error"]?["late_report_id"]?.numberValue != nil)
    let run = try #require(beat.json["run"])
    #expect(run["freshness"] == "reconciled_failed")
    #expect(run["reconciliation"]?["reason_code"] == "run.stale_running")
    #expect(run["reconciliation"]?["label"] == .string(ReasonCatalog.describe(.staleRunning).label))
    #expect(run["reconciliation"]?["source"] == "scheduled_reconciler")

    let complete = try fixture.send("POST", "/runs/\(id)/complete", json: #"{"outcome": "succeeded"}"#)
    #expect(complete.status == 409)
    let shown = try fixture.send("GET", "/runs/\(id)")
    #expect(shown.json["outcome"] == "failed")
    let kinds = shown.json["late_reports"]?.arrayItems.compactMap { $0["kind"]?.stringValue }
    #expect(kinds == ["heartbeat", "complete"])
    #expect(shown.json["late_reports"]?.arrayItems.first?["reporter"] == "token:ci-worker")
    #expect(shown.json["late_reports"]?.arrayItems.first?["payload"] == ["summary_counts": ["processed": 3]])
    #expect(
      try fixture.database.auditEvents(runID: Int64(id)).filter {
        $0.action == AuditAction.lateReportRefused.rawValue
      }.count == 2)
  }

  @Test func queueFailureBridgeCompletesTheRunAndLaterReportsAreKept() throws {
    let fixture = try APIServerFixture()
    let exhausted = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(exhausted)/start").status == 200)
    let bridged = try fixture.send(
      "POST", "/runs/\(exhausted)/queue-failure",
      json:
        #"{"kind": "max_attempts", "exception_class": "Illuminate\\Queue\\MaxAttemptsExceededException", "message": "has been attempted too many times"}"#
    )
    #expect(bridged.status == 200)
    #expect(bridged.json["outcome"] == "failed")
    #expect(bridged.json["freshness"] == "reconciled_failed")
    let record = try #require(bridged.json["reconciliation"])
    #expect(record["reason_code"] == "run.queue_failure_bridge")
    #expect(record["source"] == "queue_failure_bridge")
    #expect(record["evidence"]?["queue_failure"]?["kind"] == "max_attempts")
    #expect(
      record["evidence"]?["queue_failure"]?["exception_class"]
        == "Illuminate\\Queue\\MaxAttemptsExceededException")

    let timedOut = try fixture.createRun()
    let timeout = try fixture.send(
      "POST", "/runs/\(timedOut)/queue-failure",
      json: #"{"kind": "timeout", "message": "\#(String(repeating: "x", count: 5000))"}"#)
    #expect(timeout.status == 200)
    #expect(timeout.json["reconciliation"]?["reason_code"] == "run.infrastructure_timeout_or_abandonment")
    #expect(
      timeout.json["reconciliation"]?["evidence"]?["queue_failure"]?["message"]?.stringValue?.count
        == APIBody.maximumMessageLength)

    let lateComplete = try fixture.send(
      "POST", "/runs/\(exhausted)/complete", json: #"{"outcome": "succeeded"}"#)
    #expect(lateComplete.status == 409)
    #expect(lateComplete.json["run"]?["outcome"] == "failed")
    let lateBridge = try fixture.send(
      "POST", "/runs/\(exhausted)/queue-failure", json: #"{"kind": "exception"}"#)
    #expect(lateBridge.status == 409)
    let kinds = lateBridge.json["run"]?["late_reports"]?.arrayItems.compactMap { $0["kind"]?.stringValue }
    #expect(kinds == ["complete", "queue_failure"])
  }

  @Test func queueFailureForAScheduledOnlyTypeIsRefusedAsAConflictAndKept() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun(type: "backup_schedule_run")
    #expect(try fixture.send("POST", "/runs/\(id)/start").status == 200)
    let refused = try fixture.send("POST", "/runs/\(id)/queue-failure", json: #"{"kind": "timeout"}"#)
    #expect(refused.status == 409)
    #expect(refused.json["error"]?["code"] == "scheduled_only")
    #expect(refused.json["run"]?["status"] == "running")
    #expect(refused.json["run"]?["outcome"] == "pending")
    #expect(
      refused.json["run"]?["late_reports"]?.arrayItems.compactMap { $0["kind"]?.stringValue } == [
        "queue_failure"
      ])
    #expect(try fixture.send("POST", "/runs/\(id)/heartbeat", json: "{}").status == 200)
  }

  @Test func heartbeatAfterReconcileTellsTheWorkerToStop() throws {
    let fixture = try APIServerFixture()
    let id = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(id)/start").status == 200)
    let forced = try fixture.lifecycle.forceFailNonTerminal(
      runID: id, expectedStatus: .running, reason: .adapterOutOfSync, evidence: ["linked": "restore"],
      by: .cliReconciler)
    #expect(forced.isApplied)
    let beat = try fixture.send("POST", "/runs/\(id)/heartbeat", json: #"{"summary_counts": {"n": 1}}"#)
    #expect(beat.status == 409)
    #expect(beat.json["run"]?["reconciliation"]?["reason_code"] == "run.adapter_out_of_sync")
  }

  @Test func listCarriesEachRunsOwnLateReports() throws {
    let fixture = try APIServerFixture()
    let ids = try (0..<3).map { _ in try fixture.createRun() }
    for (id, lateStarts) in zip(ids, [2, 0, 1]) {
      #expect(
        try fixture.send("POST", "/runs/\(id)/complete", json: #"{"outcome": "cancelled"}"#).status == 200)
      for _ in 0..<lateStarts { #expect(try fixture.send("POST", "/runs/\(id)/start").status == 409) }
    }
    let listed = try fixture.send("GET", "/runs").json["runs"]?.arrayItems ?? []
    let counts = Dictionary(
      uniqueKeysWithValues: listed.compactMap { run in
        run["id"]?.numberValue.map { (Int64($0), run["late_reports"]?.arrayCount ?? -1) }
      })
    #expect(counts == [ids[0]: 2, ids[1]: 0, ids[2]: 1])
    let reports = listed.flatMap { $0["late_reports"]?.arrayItems ?? [] }
    #expect(Set(reports.compactMap { $0["id"]?.numberValue }).count == 3)
    #expect(reports.allSatisfy { $0["kind"] == "start" })
  }

  @Test func listPagesNewestFirstWithFiltersAndOnlyTheTokensWorkspace() throws {
    let fixture = try APIServerFixture()
    var ids: [Int64] = []
    for index in 0..<5 {
      ids.append(
        try fixture.createRun(tenant: index.isMultiple(of: 2) ? fixture.tenant : fixture.otherTenant))
    }
    let foreign = try fixture.send(
      "POST", "/runs", json: #"{"type": "policy.sync", "tenant_id": \#(fixture.foreignTenant.id)}"#,
      token: .some(fixture.foreignToken))
    #expect(foreign.status == 201)
    _ = try fixture.send("POST", "/runs/\(ids[4])/start")
    let unknownType = try fixture.send("POST", "/runs", json: #"{"type": "custom.job"}"#)
    #expect(unknownType.json["freshness"] == "unknown")
    #expect(unknownType.json["tenant_id"] == .null)

    let first = try fixture.send("GET", "/runs?type=policy.sync&limit=2")
    #expect(first.status == 200)
    #expect(
      first.json["runs"]?.arrayItems.compactMap { $0["id"]?.numberValue }
        == [ids[4], ids[3]].map(Double.init))
    let cursor = try #require(first.json["next"]?.stringValue)
    let second = try fixture.send("GET", "/runs?type=policy.sync&limit=2&after=\(cursor)")
    #expect(
      second.json["runs"]?.arrayItems.compactMap { $0["id"]?.numberValue }
        == [ids[2], ids[1]].map(Double.init))
    let cursor2 = try #require(second.json["next"]?.stringValue)
    let last = try fixture.send("GET", "/runs?type=policy.sync&limit=2&after=\(cursor2)")
    #expect(last.json["runs"]?.arrayItems.compactMap { $0["id"]?.numberValue } == [Double(ids[0])])
    #expect(last.json["next"] == .null)

    let running = try fixture.send("GET", "/runs?status=running")
    #expect(running.json["runs"]?.arrayItems.compactMap { $0["id"]?.numberValue } == [Double(ids[4])])
    let byTenant = try fixture.send("GET", "/runs?tenant=\(fixture.otherTenant.id)&freshness=fresh_active")
    #expect(
      byTenant.json["runs"]?.arrayItems.compactMap { $0["id"]?.numberValue }
        == [ids[3], ids[1]].map(Double.init))
    #expect(try fixture.send("GET", "/runs?outcome=pending").json["runs"]?.arrayCount == 6)

    for (query, field) in [
      ("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"), ("after=-1", "after"),
      ("status=paused", "status"), ("freshness=old", "freshness"), ("outcome=ok", "outcome"),
      ("tenant=abc", "tenant"), ("type=a%20b", "type"),
    ] {
      let response = try fixture.send("GET", "/runs?\(query)")
      #expect(response.status == 422, "\(query)")
      #expect(response.json["error"]?["field"] == .string(field))
    }
  }
}

extension JSONValue {
  var arrayItems: [JSONValue] {
    if case .array(let items) = self { return items }
    return []
  }
  var arrayCount: Int { arrayItems.count }
}
