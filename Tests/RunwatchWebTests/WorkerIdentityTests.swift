import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import TestStorage
import Testing

@testable import RunwatchWeb

/// The worker that starts a run says who it is (`worker: {host, pid, name}` on start); the run object and the
/// run page show it, escaped, so an operator knows where to look when the run stops reporting.
@Suite struct WorkerIdentityTests {
  @Test func aStartWithAWorkerIsStoredReturnedAndShownEscaped() throws {
    let fixture = try APIServerFixture()
    let created = try fixture.send("POST", "/runs", json: #"{"type": "policy.sync"}"#)
    let id = try #require(created.json["id"]?.numberValue).formatted(.number.grouping(.never))
    #expect(created.json["worker"] == .null)
    let started = try fixture.send(
      "POST", "/runs/\(id)/start",
      json: #"{"worker": {"host": "web-1<script>", "pid": 4242, "name": "laravel-queue:default"}}"#)
    #expect(started.status == 200)
    #expect(
      started.json["worker"] == ["host": "web-1<script>", "pid": 4242, "name": "laravel-queue:default"])
    #expect(try fixture.send("GET", "/runs/\(id)").json["worker"]?["pid"] == 4242)

    let startEvent = try #require(
      try fixture.database.auditEvents(runID: Int64(id)!).first { $0.action == "run.started" })
    #expect(
      startEvent.metadata["worker"] == [
        "host": "web-1<script>", "pid": 4242, "name": "laravel-queue:default",
      ])
    let stored = try #require(try fixture.database.run(id: Int64(id)!))
    #expect(stored.worker == WorkerIdentity(host: "web-1<script>", pid: 4242, name: "laravel-queue:default"))
    let view = RunDetailView(
      run: stored, freshness: .freshActive, tenantName: nil, initiatorName: nil, expectedRuntimeSeconds: 60,
      deadline: nil, healing: .notScheduled, lateReports: [], auditEvents: [], now: fixture.clock.now())
    let html = RunDetailPage.render(view, chrome: TemplateSamples.chrome()).rendered
    #expect(
      html.contains(
        "Started by <span data-worker>worker <code>laravel-queue:default</code> on host <code>web-1&lt;script&gt;</code>, pid 4242</span>"
      ))
    #expect(html.contains("Requested by <strong>System</strong>"))
    #expect(!html.contains("web-1<script>"))
  }

  @Test func aWorkerThatIsNotWellFormedIs422NamingTheField() throws {
    let fixture = try APIServerFixture()
    for (body, field) in [
      (#"{"worker": "web-1"}"#, "worker"), (#"{"worker": {}}"#, "worker.host"),
      (#"{"worker": {"host": ""}}"#, "worker.host"), (#"{"worker": {"host": "a\u0000b"}}"#, "worker.host"),
      (#"{"worker": {"host": "a\nb"}}"#, "worker.host"),
      (#"{"worker": {"host": "h", "pid": 0}}"#, "worker.pid"),
      (#"{"worker": {"host": "h", "pid": 1.5}}"#, "worker.pid"),
      (#"{"worker": {"host": "h", "name": "\u001b[31m"}}"#, "worker.name"),
    ] {
      let created = try fixture.send("POST", "/runs", json: #"{"type": "policy.sync"}"#)
      let id = try #require(created.json["id"]?.numberValue).formatted(.number.grouping(.never))
      let answer = try fixture.send("POST", "/runs/\(id)/start", json: body)
      #expect(answer.status == 422, "\(body)")
      #expect(answer.json["error"]?["field"] == .string(field), "\(body)")
      #expect(try fixture.database.run(id: Int64(id)!)?.status == .queued, "\(body) changed nothing")
    }
    // Without a worker, as before.
    let created = try fixture.send("POST", "/runs", json: #"{"type": "policy.sync"}"#)
    let id = try #require(created.json["id"]?.numberValue).formatted(.number.grouping(.never))
    #expect(try fixture.send("POST", "/runs/\(id)/start", json: #"{"worker": null}"#).status == 200)
  }
}
