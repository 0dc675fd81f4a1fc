import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// The lean heartbeat path through a real socket: one write transaction answers with the same run object
/// `GET /runs/{id}` shows, a run the token cannot see is the same 404 whatever the body, and the token cache's
/// revocation delay is what docs/workers.md promises.
@Suite struct APIHeartbeatTests {
  private func startedRun(_ fixture: APIServerFixture) throws -> Int64 {
    let created = try fixture.send(
      "POST", "/runs",
      json: #"""
        {"type": "policy.sync", "tenant_id": \#(fixture.tenant.id), "initiator": "ana@example.com",
         "context": {"batch": 7, "path": "a/b", "note": "line\nbreak \u00e9"}}
        """#)
    let id = try #require(created.json["id"]?.numberValue.map { Int64($0) })
    #expect(try fixture.send("POST", "/runs/\(id)/start").status == 200)
    return id
  }

  @Test func aHeartbeatAnswersWithTheRunObjectShowAnswersWith() throws {
    let fixture = try APIServerFixture()
    let id = try startedRun(fixture)
    fixture.clock.advance(by: 7)
    let beat = try fixture.send(
      "POST", "/runs/\(id)/heartbeat", json: #"{"summary_counts": {"processed": 10, "total": 50}}"#)
    #expect(beat.status == 200)
    #expect(beat.header("Content-Type") == "application/json")
    let shown = try fixture.send("GET", "/runs/\(id)")
    #expect(beat.text == shown.text)
    #expect(beat.json["workspace"] == "acme")
    #expect(beat.json["initiator"] == "ana@example.com")
    #expect(beat.json["summary_counts"] == ["processed": 10, "total": 50])
    #expect(beat.json["last_heartbeat_at"] == .string(RFC3339.string(from: fixture.clock.now())))
    let run = try #require(try fixture.database.run(id: id))
    let expected = APIRunObject.json(
      run, workspaceSlug: "acme", initiatorEmail: "ana@example.com", lateReports: [],
      policy: fixture.database.policy, now: fixture.clock.now())
    #expect(beat.text == expected.jsonText)
  }

  @Test func aRunOfAnotherWorkspaceIsTheSame404AsAMissingRunWhateverTheBody() throws {
    let fixture = try APIServerFixture()
    let id = try startedRun(fixture)
    let bodies: [(String, String?)] = [
      (#"{"summary_counts": {"processed": 1}}"#, "application/json"),
      (#"{"summary_counts": {"processed": -1}}"#, "application/json"),
      (#"{"summary_counts": "#, "application/json"),
      (#"{"summary_counts": {}}"#, "text/plain"),
      ("", nil),
    ]
    for (body, contentType) in bodies {
      let missing = try fixture.send(
        "POST", "/runs/999999/heartbeat", json: body, contentType: contentType)
      let foreign = try fixture.send(
        "POST", "/runs/\(id)/heartbeat", json: body, token: .some(fixture.foreignToken),
        contentType: contentType)
      #expect(missing.status == 404, "\(body)")
      #expect(foreign.status == 404, "\(body)")
      #expect(foreign.body == missing.body, "\(body)")
      #expect(foreign.text == #"{"error":{"code":"not_found","message":"No such run."}}"#)
    }
    let run = try #require(try fixture.database.run(id: id))
    #expect(run.summaryCounts.isEmpty)
    #expect(try fixture.database.lateReports(runID: id).isEmpty)
  }

  @Test func aLateHeartbeatIs409WithTheRunAndItsNewLateReport() throws {
    let fixture = try APIServerFixture()
    let id = try startedRun(fixture)
    #expect(try fixture.send("POST", "/runs/\(id)/complete", json: #"{"outcome": "failed"}"#).status == 200)
    fixture.clock.advance(by: 3)
    let late = try fixture.send("POST", "/runs/\(id)/heartbeat", json: #"{"summary_counts": {"n": 2}}"#)
    #expect(late.status == 409)
    #expect(late.errorCode == "already_terminal")
    let reports = try fixture.database.lateReports(runID: id)
    #expect(reports.count == 1)
    #expect(late.json["error"]?["late_report_id"] == .number(Double(reports[0].id)))
    #expect(late.json["run"] == (try fixture.send("GET", "/runs/\(id)").json))
    #expect(late.json["run"]?["late_reports"]?.arrayItems.first?["payload"] == ["summary_counts": ["n": 2]])

    let queued = try fixture.createRun()
    let early = try fixture.send("POST", "/runs/\(queued)/heartbeat", json: #"{"summary_counts": {"n": 1}}"#)
    #expect(early.status == 409)
    #expect(early.errorCode == "not_started")
    #expect(early.json["run"] == (try fixture.send("GET", "/runs/\(queued)").json))
  }

  @Test func aTokenRevokedByAnotherProcessStopsWorkingWithinTwoSeconds() throws {
    let fixture = try APIServerFixture()
    let id = try startedRun(fixture)
    let beat = #"{"summary_counts": {"n": 1}}"#
    #expect(try fixture.send("POST", "/runs/\(id)/heartbeat", json: beat).status == 200)
    let token = try #require(try fixture.database.apiTokens(workspaceID: fixture.workspace.id).first)
    try fixture.database.revokeAPIToken(id: token.id, at: fixture.clock.now())  // as `runwatch token revoke`
    fixture.clock.advance(by: 1)
    #expect(try fixture.send("POST", "/runs/\(id)/heartbeat", json: beat).status == 200, "still cached")
    fixture.clock.advance(by: 1)
    let refused = try fixture.send("POST", "/runs/\(id)/heartbeat", json: beat)
    #expect(refused.status == 401)
    #expect(refused.errorCode == "unauthorized")
  }
}
