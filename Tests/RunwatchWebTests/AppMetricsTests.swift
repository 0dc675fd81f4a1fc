import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// Issue #4 `/metrics`: Prometheus text with run gauges, reconciliations and HTTP traffic.
@Suite struct AppMetricsTests {
  static func scrape(_ fixture: AppFixture) -> HTTPResponse {
    fixture.respond(HTTPRequest(method: .get, target: "/metrics", headers: ["Host": "runwatch.test"]))
  }

  /// The value of the sample line starting with `series` (name plus labels).
  static func value(_ series: String, in text: String) -> String? {
    text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map {
      String($0.split(separator: " ")[1])
    }
  }

  @Test func exposesRunsByStatusAndFreshness() throws {
    let fixture = try AppFixture()
    let worker = Actor(kind: .worker, label: "test", source: "test")
    func create(_ type: String) throws -> OperationRun {
      try fixture.lifecycle.create(
        NewRun(workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: nil, type: type),
        by: worker)
    }
    _ = try create("policy.sync")
    let running = try create("policy.sync")
    _ = try fixture.lifecycle.start(runID: running.id, by: worker)
    let done = try create("policy.sync")
    _ = try fixture.lifecycle.complete(runID: done.id, outcome: .succeeded, by: worker)
    _ = try create("custom.untracked")

    let fresh = Self.scrape(fixture)
    #expect(fresh.status == .ok)
    #expect(fresh.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
    let text = fresh.bodyText
    #expect(text.contains("# TYPE runwatch_runs gauge\n"))
    #expect(Self.value("runwatch_runs{status=\"queued\"}", in: text) == "2.0")
    #expect(Self.value("runwatch_runs{status=\"running\"}", in: text) == "1.0")
    #expect(Self.value("runwatch_runs{status=\"completed\"}", in: text) == "1.0")
    #expect(Self.value("runwatch_runs_active{freshness=\"fresh_active\"}", in: text) == "2.0")
    #expect(Self.value("runwatch_runs_active{freshness=\"unknown\"}", in: text) == "1.0")
    #expect(Self.value("runwatch_runs_active{freshness=\"likely_stale\"}", in: text) == "0.0")

    fixture.clock.advance(by: 30 * 24 * 3600)
    let later = Self.scrape(fixture).bodyText
    #expect(Self.value("runwatch_runs_active{freshness=\"likely_stale\"}", in: later) == "2.0")
    #expect(Self.value("runwatch_runs_active{freshness=\"fresh_active\"}", in: later) == "0.0")
  }

  @Test func countsReconciliationsByReason() throws {
    let fixture = try AppFixture()
    let worker = Actor(kind: .worker, label: "test", source: "test")
    _ = try fixture.lifecycle.create(
      NewRun(
        workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: nil, type: "policy.sync"),
      by: worker)
    fixture.clock.advance(by: 30 * 24 * 3600)
    let result = try Reconciler(lifecycle: fixture.lifecycle, actor: .scheduledReconciler).reconcileAll()
    fixture.app.reconcileMetrics.node = "node-a:8080"
    fixture.app.reconcileMetrics.record(result)
    let text = Self.scrape(fixture).bodyText
    #expect(text.contains("# TYPE runwatch_reconciliations_total counter\n"))
    #expect(
      Self.value(
        "runwatch_reconciliations_total{node=\"node-a:8080\",type=\"policy.sync\",reason=\"run.stale_queued\"}",
        in: text) == "1")
    #expect(!text.contains("reason=\"run.stale_running\""), "only what happened is a series")
    #expect(Self.value("runwatch_reconcile_ticks_yielded_total{node=\"node-a:8080\"}", in: text) == "0")
  }

  /// A heal bigger than the listed changes is counted in full, and a tick that yields to another instance
  /// is counted as such.
  @Test func countsEveryReconciliationNotOnlyTheListedOnesAndYieldedTicks() throws {
    let metrics = ReconcileMetrics()
    metrics.node = "node-b:8080"
    // As a tick of 600 reconciliations returns it: 500 changes listed, all 600 counted by reason.
    let listed = (0..<ReconcileResult.listedChangeLimit).map { id in
      ReconcileChange(
        applied: true, operationRunID: Int64(id), type: "policy.sync",
        before: RunSnapshot(status: .queued, outcome: .pending, freshnessState: .likelyStale),
        after: RunSnapshot(status: .completed, outcome: .failed, freshnessState: .reconciledFailed),
        reasonCode: .staleQueued, reasonMessage: "", evidence: [:])
    }
    var result = ReconcileResult(
      candidates: 600, reconciled: 600, changes: listed, unlistedChanges: 600 - listed.count)
    result.reconciledByKind = [
      ReconciledKind(type: "custom.untracked", reason: .staleQueued, outcome: .failed): 600
    ]
    metrics.record(result)
    var yielded = ReconcileResult()
    yielded.yieldedToAnotherInstance = true
    metrics.record(yielded)
    #expect(metrics.count(for: .staleQueued) == 600)
    #expect(metrics.yieldedTicks == 1)
    let text = metrics.exposition()
    #expect(text.contains("runwatch_reconcile_ticks_yielded_total{node=\"node-b:8080\"} 1\n"))
    #expect(
      text.contains(
        "runwatch_reconciliations_total{node=\"node-b:8080\",type=\"other\",reason=\"run.stale_queued\"} 600\n"
      ),
      "a type outside the policy is counted as other")
  }

  /// Finished runs by type and outcome, late reports by type and durations by type: told by the lifecycle
  /// service after each commit, and by the reconcile loop for the runs it healed.
  @Test func countsFinishedRunsLateReportsAndDurationsByType() throws {
    let fixture = try AppFixture()
    let metrics = TransitionMetrics(policy: .builtIn)
    let lifecycle = LifecycleService(database: fixture.database, clock: fixture.clock, observer: metrics)
    let worker = Actor(kind: .worker, label: "test", source: "test")
    func run(_ type: String) throws -> OperationRun {
      let run = try lifecycle.create(
        NewRun(workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: nil, type: type),
        by: worker)
      _ = try lifecycle.start(runID: run.id, by: worker)
      fixture.clock.advance(by: 90)
      return run
    }
    let failed = try run("policy.sync")
    _ = try lifecycle.complete(runID: failed.id, outcome: .failed, by: worker)
    _ = try lifecycle.complete(runID: failed.id, outcome: .succeeded, by: worker)  // late: refused and kept
    _ = try lifecycle.complete(runID: try run("policy.sync").id, outcome: .succeeded, by: worker)
    _ = try lifecycle.complete(runID: try run("made.up.by.a.worker").id, outcome: .succeeded, by: worker)
    var tick = ReconcileResult()
    tick.reconciledByKind = [
      ReconciledKind(type: "inventory_sync", reason: .staleRunning, outcome: .failed): 4
    ]
    metrics.reconciled(tick)

    let text = metrics.registry.emitToString()
    #expect(text.contains("# TYPE runwatch_run_transitions_total counter\n"))
    #expect(
      Self.value("runwatch_run_transitions_total{type=\"policy.sync\",outcome=\"failed\"}", in: text) == "1")
    #expect(
      Self.value("runwatch_run_transitions_total{type=\"policy.sync\",outcome=\"succeeded\"}", in: text)
        == "1")
    #expect(
      Self.value("runwatch_run_transitions_total{type=\"other\",outcome=\"succeeded\"}", in: text) == "1")
    #expect(
      Self.value("runwatch_run_transitions_total{type=\"inventory_sync\",outcome=\"failed\"}", in: text)
        == "4")
    #expect(Self.value("runwatch_late_reports_total{type=\"policy.sync\"}", in: text) == "1")
    #expect(Self.value("runwatch_run_duration_seconds_count{type=\"policy.sync\"}", in: text) == "2")
    #expect(Self.value("runwatch_run_duration_seconds_sum{type=\"policy.sync\"}", in: text) == "180.0")
    #expect(
      Self.value("runwatch_run_duration_seconds_bucket{type=\"policy.sync\",le=\"60.0\"}", in: text) == "0")
    #expect(
      Self.value("runwatch_run_duration_seconds_bucket{type=\"policy.sync\",le=\"120.0\"}", in: text) == "2")
    #expect(!text.contains("made.up.by.a.worker"))
  }

  @Test func countsRequestsAndLatencyByRouteTemplate() throws {
    let fixture = try AppFixture()
    for _ in 0..<3 { _ = fixture.respond(HTTPRequest(method: .get, target: "/healthz")) }
    _ = fixture.respond(HTTPRequest(method: .get, target: "/no/such/path"))
    _ = fixture.respond(HTTPRequest(method: HTTPMethod(rawValue: "BREW"), target: "/healthz"))
    let text = Self.scrape(fixture).bodyText
    #expect(text.contains("# TYPE runwatch_http_requests_total counter\n"))
    #expect(
      Self.value("runwatch_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}", in: text)
        == "3")
    #expect(
      Self.value("runwatch_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}", in: text)
        == "1")
    #expect(
      Self.value(
        "runwatch_http_requests_total{method=\"OTHER\",route=\"unmatched\",status=\"405\"}", in: text) == "1")
    #expect(!text.contains("/no/such/path"))
    #expect(text.contains("# TYPE runwatch_http_request_duration_seconds histogram\n"))
    #expect(
      Self.value("runwatch_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}", in: text)
        == "3")
    #expect(Self.value("runwatch_http_request_duration_seconds_count{route=\"/healthz\"}", in: text) == "3")
    // Buckets are cumulative: never decreasing up to +Inf.
    let buckets = text.split(separator: "\n").filter {
      $0.hasPrefix("runwatch_http_request_duration_seconds_bucket{route=\"/healthz\"")
    }.compactMap { Int($0.split(separator: " ")[1]) }
    #expect(buckets.count == 13)
    #expect(buckets == buckets.sorted())
    // Every sample line is `name{labels} value` or `name value`.
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      #expect(line.split(separator: " ").count == 2, "\(line)")
    }
  }
}
