import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// The linked-record API: a run created with `linked_record: {kind, id}` follows the domain record's status,
/// reported with `PUT /linked-records/{kind}/{record_id}` (workspace-scoped), and the reconciler completes it
/// with `run.adapter_out_of_sync` once that status is terminal.
@Suite struct APILinkedRecordTests {
  func createLinked(
    _ fixture: APIServerFixture, id recordID: String, token: String? = nil, status: String? = nil,
    tenant: Tenant? = nil
  ) throws -> Int64 {
    let statusMember = status.map { #", "status": "\#($0)""# } ?? ""
    let response = try fixture.send(
      "POST", "/runs",
      json: #"""
        {"type": "restore.execute", "tenant_id": \#((tenant ?? fixture.tenant).id),
         "linked_record": {"kind": "restore", "id": "\#(recordID)"\#(statusMember)}}
        """#, token: token.map { .some($0) } ?? .none)
    #expect(response.status == 201, "\(response.text)")
    #expect(response.json["linked_record"]?["kind"] == "restore")
    #expect(response.json["linked_record"]?["id"] == .string(recordID))
    #expect(response.json["linked_record"]?["status"] == .string(status ?? "pending"))
    return try #require(response.json["id"]?.numberValue.map { Int64($0) })
  }

  @Test func aTerminalRecordStatusCompletesItsLinkedRunsOnTheNextPass() throws {
    let fixture = try APIServerFixture()
    let failing = try createLinked(fixture, id: "r-42")
    let alsoFailing = try createLinked(fixture, id: "r-42")
    let other = try createLinked(fixture, id: "r-43")
    #expect(try fixture.send("POST", "/runs/\(failing)/start").status == 200)

    let update = try fixture.send("PUT", "/linked-records/restore/r-42", json: #"{"status": " Failed "}"#)
    #expect(update.status == 200)
    #expect(update.json == ["kind": "restore", "id": "r-42", "status": "failed", "runs_updated": 2])
    #expect(try fixture.send("GET", "/runs/\(failing)").json["linked_record"]?["status"] == "failed")
    #expect(try fixture.send("GET", "/runs/\(other)").json["linked_record"]?["status"] == "pending")

    let pass = try Reconciler(lifecycle: fixture.lifecycle, actor: .scheduledReconciler).reconcile()
    #expect(Set(pass.changes.map(\.operationRunID)) == [failing, alsoFailing])
    for id in [failing, alsoFailing] {
      let run = try fixture.send("GET", "/runs/\(id)").json
      #expect(run["status"] == "completed")
      #expect(run["outcome"] == "failed")
      #expect(run["reconciliation"]?["reason_code"] == "run.adapter_out_of_sync")
      #expect(run["reconciliation"]?["evidence"]?["linked_record"]?["external_id"] == "r-42")
      #expect(run["reconciliation"]?["evidence"]?["linked_record"]?["status"] == "failed")
    }
    #expect(try fixture.send("GET", "/runs/\(other)").json["status"] == "queued")

    // Finished runs keep the status they finished with: a later report touches nothing.
    let late = try fixture.send("PUT", "/linked-records/restore/r-42", json: #"{"status": "succeeded"}"#)
    #expect(late.json["runs_updated"] == 0)
    #expect(try fixture.send("GET", "/runs/\(failing)").json["outcome"] == "failed")
  }

  @Test func aRecordNoRunLinksIsZeroAndAnotherWorkspacesRunsAreUntouched() throws {
    let fixture = try APIServerFixture()
    let ours = try createLinked(fixture, id: "shared-7")
    let theirs = try createLinked(
      fixture, id: "shared-7", token: fixture.foreignToken, tenant: fixture.foreignTenant)

    let nobody = try fixture.send(
      "PUT", "/linked-records/restore/nobody-links-this", json: #"{"status": "failed"}"#)
    #expect(nobody.status == 200)
    #expect(nobody.json["runs_updated"] == 0)

    let update = try fixture.send(
      "PUT", "/linked-records/restore/shared-7", json: #"{"status": "cancelled"}"#,
      token: fixture.foreignToken)
    #expect(update.json["runs_updated"] == 1)
    let mine = try #require(try fixture.database.run(id: ours))
    let foreign = try #require(try fixture.database.run(id: theirs))
    #expect(mine.linkedRecord?.status == "pending", "another workspace's report never reaches this run")
    #expect(foreign.linkedRecord?.status == "cancelled")
  }

  @Test func recordIdsArePercentDecodedAndBadInputIsAClear4xx() throws {
    let fixture = try APIServerFixture()
    let run = try createLinked(fixture, id: "acme/restore 9", status: "running")
    let update = try fixture.send(
      "PUT", "/linked-records/restore/acme%2Frestore%209", json: #"{"status": "completed"}"#)
    #expect(update.json["runs_updated"] == 1)
    #expect(update.json["id"] == "acme/restore 9")
    #expect(try fixture.database.run(id: run)?.linkedRecord?.status == "completed")

    for (path, body, status, field) in [
      ("/linked-records/restore/r-1", #"{}"#, 422, "status"),
      ("/linked-records/restore/r-1", #"{"status": "   "}"#, 422, "status"),
      ("/linked-records/restore/r-1", #"{"status": "fail\ned"}"#, 422, "status"),
      ("/linked-records/restore/r-1", #"{"status": 3}"#, 422, "status"),
      ("/linked-records/re%20store/r-1", #"{"status": "failed"}"#, 422, "kind"),
      (
        "/linked-records/restore/r-1", #"{"status": "\#(String(repeating: "x", count: 101))"}"#, 422, "status"
      ),
    ] {
      let answer = try fixture.send("PUT", path, json: body)
      #expect(answer.status == status, "\(path) \(body)")
      #expect(answer.json["error"]?["field"] == .string(field), "\(path) \(body)")
    }
    #expect(try fixture.send("PUT", "/linked-records/restore/a%01b", json: #"{"status": "x"}"#).status == 404)
    #expect(try fixture.send("PUT", "/linked-records/restore", json: #"{"status": "x"}"#).status == 404)
    #expect(try fixture.send("PUT", "/linked-records/restore/r-1", json: "[1]").status == 422)
    #expect(
      try fixture.send("PUT", "/linked-records/restore/r-1", json: #"{"status": "x"}"#, token: .some(nil))
        .status == 401)

    for (body, field) in [
      (#"{"kind": "restore"}"#, "linked_record.id"), (#"{"id": "r"}"#, "linked_record.kind"),
      (#"{"kind": "re store", "id": "r"}"#, "linked_record.kind"),
      (#"{"kind": "restore", "id": "a\u0000b"}"#, "linked_record.id"),
      (#"{"kind": "restore", "id": "r", "status": ""}"#, "linked_record.status"),
    ] {
      let answer = try fixture.send(
        "POST", "/runs", json: #"{"type": "restore.execute", "linked_record": \#(body)}"#)
      #expect(answer.status == 422, "\(body)")
      #expect(answer.json["error"]?["field"] == .string(field), "\(body)")
    }
    let notAnObject = try fixture.send(
      "POST", "/runs", json: #"{"type": "restore.execute", "linked_record": 7}"#)
    #expect(notAnObject.json["error"]?["field"] == "linked_record")
  }

  @Test func aReadOnlyTokenMayNotReportARecord() throws {
    let fixture = try APIServerFixture()
    let reader = try fixture.identity.createAPIToken(
      workspaceID: fixture.workspace.id, name: "dashboard", readOnly: true
    ).secret
    let answer = try fixture.send(
      "PUT", "/linked-records/restore/r-1", json: #"{"status": "failed"}"#, token: reader)
    #expect(answer.status == 403)
    #expect(answer.errorCode == "read_only_token")
  }
}
