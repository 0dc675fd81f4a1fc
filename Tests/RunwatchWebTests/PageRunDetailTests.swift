import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import RunwatchWeb
import TestStorage
import Testing

/// `GET /operations/<id>`: the canonical run page, its 404/403 semantics and escaping.
@Suite struct PageRunDetailTests {
  @Test func reconciledRunShowsExplanationTimelineLateReportsAndAuditEvents() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    fixture.clock.advance(by: 1_000)
    try fixture.reconcile(run)
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)  // late
    let response = fixture.get("/operations/\(run.id)")
    #expect(response.status == .ok)
    let html = response.bodyText
    #expect(html.contains("data-run-id=\"\(run.id)\" data-freshness=\"reconciled_failed\""))
    #expect(html.contains("data-reason-code=\"run.stale_queued\""))
    #expect(html.contains("Tenant: <strong>Contoso</strong>"))
    #expect(html.contains("Requested by <strong>Owner User</strong>"))
    #expect(html.contains("<h2 id=\"late-title\">Late reports</h2>"))
    #expect(html.contains("from <code>token:fleet-1</code>"))
    #expect(html.contains("(expected about 2 min)"))
    // Related audit events, newest first, each opening the audit panel.
    let events = try fixture.database.auditEvents(runID: run.id).map(\.id)
    let links = html.components(separatedBy: "<a href=\"/audit?event=").dropFirst().compactMap {
      Int64($0.prefix { $0.isNumber })
    }
    #expect(links == events.reversed())
    #expect(html.contains("by Scheduled reconciler"))
  }

  @Test func relatedAuditEventsAreBoundedToTheNewest20() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    for _ in 0..<30 {
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    }
    let html = fixture.get("/operations/\(run.id)").bodyText
    let links = html.components(separatedBy: "<a href=\"/audit?event=").dropFirst().compactMap {
      Int64($0.prefix { $0.isNumber })
    }
    let all = try fixture.database.auditEvents(runID: run.id).map(\.id)
    #expect(all.count > 20)
    #expect(links == Array(all.reversed().prefix(20)))
  }

  @Test func likelyStaleRunExplainsTheWindowAndThatTheReconcilerWillFailIt() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync")
    fixture.clock.advance(by: 1_000)
    let html = fixture.get("/operations/\(run.id)").bodyText
    #expect(html.contains("data-freshness=\"likely_stale\""))
    #expect(html.contains("data-reason-code=\"run.stale_queued\""))
    #expect(html.contains("This run has waited in the queue for 16 min 40 s without a worker picking it up."))
    #expect(html.contains("Its allowed wait of 15 min ran out"))
    #expect(
      html.contains("Runwatch will mark it failed at its next reconciliation pass (it checks every 1 min)"))
  }

  @Test func likelyStaleRunOfATypeWithoutScheduledReconciliationDoesNotPromiseHealing() throws {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.scheduledReconciliation = false
    let fixture = try PageFixture(policy: policy)
    let run = try fixture.run("policy.sync")
    fixture.clock.advance(by: 1_000)
    let html = fixture.get("/operations/\(run.id)").bodyText
    #expect(html.contains("data-freshness=\"likely_stale\""))
    #expect(html.contains("Scheduled reconciliation is turned off for this type"))
    #expect(!html.contains("Runwatch will mark it failed"))
  }

  @Test func missingOtherTenantAndOtherWorkspaceAnswerTheSame404() throws {
    let fixture = try PageFixture()
    let fabrikamRun = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    let foreign = try fixture.run("policy.sync", tenant: fixture.initech, workspace: fixture.globex)
    let missing = fixture.get("/operations/999999", as: "operator")
    let otherTenant = fixture.get("/operations/\(fabrikamRun.id)", as: "operator")
    let otherWorkspace = fixture.get("/operations/\(foreign.id)", as: "operator")
    #expect(missing.status == .notFound)
    #expect(otherTenant.status == .notFound)
    #expect(otherWorkspace.status == .notFound)
    #expect(otherTenant.body == missing.body)
    #expect(otherWorkspace.body == missing.body)
    #expect(missing.bodyText.contains("Not found"))
    // The owner of the workspace does see the Fabrikam run.
    #expect(fixture.get("/operations/\(fabrikamRun.id)").status == .ok)
  }

  @Test(arguments: [
    "/operations/abc", "/operations/-1", "/operations/0", "/operations/123456789012345678901234567890",
  ])
  func malformedIDsNeverReachTheHandler(_ target: String) throws {
    let fixture = try PageFixture()
    #expect(fixture.get(target).status == .notFound)
  }

  @Test func readonlyLackingTheTypeCapabilityGets403NamingIt() throws {
    let fixture = try PageFixture()
    let restore = try fixture.run("restore.execute")
    let response = fixture.get("/operations/\(restore.id)", as: "readonly")
    #expect(response.status == .forbidden)
    #expect(response.bodyText.contains("Missing capability: <code>restore.view</code>"))
    #expect(fixture.get("/operations/\(restore.id)", as: "operator").status == .ok)
  }

  @Test func scriptsAndQuotesInContextAndFailuresRenderInert() throws {
    let fixture = try PageFixture()
    let payload = "<script>alert(\"x\")</script>' onmouseover='y"
    let run = try fixture.run("policy.sync", context: ["note": .string(payload)])
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    _ = try fixture.lifecycle.fail(
      runID: run.id, failures: [RunFailure(code: "x<b>", message: payload)], by: fixture.worker)
    for target in ["/operations", "/operations/\(run.id)"] {
      let html = fixture.get(target).bodyText
      #expect(!html.contains("<script>alert"), "\(target)")
      #expect(!html.contains("' onmouseover='"), "\(target)")
      #expect(!html.contains("<b>"), "\(target)")
    }
    let detail = fixture.get("/operations/\(run.id)").bodyText
    #expect(detail.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y"))
  }
}

/// A worker that reports success after Runwatch closed its run as failed is called out at the top of the run
/// page, in words, not left as a "succeeded" payload among the late reports.
@Suite struct RunDetailLateSuccessTests {
  @Test func aLateSuccessIsCalledOutAndTheRunStaysFailed() throws {
    let fixture = try PageFixture()
    let run = try fixture.run()
    try fixture.reconcile(run)
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    let html = fixture.get("/operations/\(run.id)").bodyText
    #expect(html.contains("data-late-success"))
    #expect(html.contains("<strong>Its worker later reported success</strong>"))
    #expect(html.contains("the run stays failed because it had already been closed as failed: "))
    #expect(html.contains("data-freshness=\"reconciled_failed\""))
    // A late heartbeat, or a late failure, is not a claimed success.
    let other = try fixture.run()
    try fixture.reconcile(other)
    _ = try fixture.lifecycle.complete(runID: other.id, outcome: .failed, by: fixture.worker)
    #expect(!fixture.get("/operations/\(other.id)").bodyText.contains("data-late-success"))
  }
}

/// Words that are true on the run page: a cancelled run is not "what went wrong", a reconciled run's callout is
/// not repeated below it, what the queue said is shown as it said it, finished runs do not offer to refresh,
/// and progress reads with separators and a percentage.
@Suite struct RunDetailWordingTests {
  func page(_ run: OperationRun, freshness: Freshness) -> String {
    let view = RunDetailView(
      run: run, freshness: freshness, tenantName: "Contoso", initiatorName: nil, expectedRuntimeSeconds: 60,
      deadline: nil, healing: .notScheduled, lateReports: [], auditEvents: [], now: TemplateSamples.now)
    return RunDetailPage.render(view, chrome: TemplateSamples.chrome()).rendered
  }

  func run(
    status: RunStatus = .completed, outcome: RunOutcome, started: Bool = true, failures: [RunFailure] = [],
    reconciliation: Reconciliation? = nil
  ) -> OperationRun {
    OperationRun(
      id: 7, workspaceID: 1, tenantID: 1, initiatorUserID: nil, type: "policy.sync", status: status,
      outcome: outcome, summaryCounts: [:], failures: failures, context: .emptyObject,
      createdAt: TemplateSamples.ago(900), startedAt: started ? TemplateSamples.ago(800) : nil,
      lastHeartbeatAt: nil, completedAt: status == .completed ? TemplateSamples.ago(600) : nil,
      reconciliation: reconciliation)
  }

  @Test func aCancelledRunIsCalledCancelledNotAFailure() {
    let html = page(run(outcome: .cancelled, started: false), freshness: .terminalNormal)
    #expect(!html.contains("What went wrong"))
    #expect(html.contains("<h2 id=\"failures-title\">Cancelled</h2>"))
    #expect(html.contains("cancelled before a worker started it; nothing failed."))
    #expect(!html.contains("data-live-active"), "a finished run is not polled")
  }

  @Test func aReconciledRunsCalloutIsNotRepeatedAndTheQueuesWordsAreShownAsSaid() {
    let stale = run(
      outcome: .failed,
      failures: [RunFailure(code: "run.stale_running", message: "Stopped reporting progress")],
      reconciliation: Reconciliation(
        reason: .staleRunning, source: "scheduled_reconciler", evidence: ["deadline": "heartbeat"],
        reconciledAt: TemplateSamples.ago(600)))
    #expect(!page(stale, freshness: .reconciledFailed).contains("What went wrong"))

    let bridged = run(
      outcome: .failed,
      failures: [RunFailure(code: "run.queue_failure_bridge", message: "Failed in the queue")],
      reconciliation: Reconciliation(
        reason: .queueFailureBridge, source: "queue_failure_bridge",
        evidence: [
          "queue_failure": [
            "kind": "exception", "exception_class": "App\\Jobs\\SyncFailed",
            "message": "line one\nline two",
          ]
        ], reconciledAt: TemplateSamples.ago(600)))
    let html = page(bridged, freshness: .reconciledFailed)
    #expect(html.contains("The queue reported <code class=\"failure__class\">App\\Jobs\\SyncFailed</code>:"))
    #expect(html.contains("<pre class=\"failure__text\">line one\nline two</pre>"))
  }

  @Test func progressReadsWithSeparatorsAndAPercentage() {
    let html = ProgressBar.render(processed: 16_762, total: 21_905, label: "Progress").rendered
    #expect(html.contains("16,762 / 21,905 · 76%"))
    #expect(ProgressBar.grouped(0) == "0")
    #expect(ProgressBar.grouped(999) == "999")
    #expect(ProgressBar.grouped(1_000) == "1,000")
    #expect(ProgressBar.grouped(-1_234_567) == "-1,234,567")
    #expect(
      page(run(status: .running, outcome: .pending), freshness: .freshActive).contains(
        "data-live=\"run\" data-live-active"))
  }

  @Test func countsReadProcessedThenTotalThenTheRestAndAuditLabelsDoNotRepeatTheActor() {
    var counted = run(outcome: .succeeded)
    counted.summaryCounts = ["skipped": 2, "total": 50, "errors": 1, "processed": 50]
    let html = page(counted, freshness: .terminalNormal)
    let order = ["Processed", "Total", "Errors", "Skipped"].compactMap {
      html.range(of: "<th scope=\"row\">\($0)</th>")?.lowerBound
    }
    #expect(order.count == 4)
    #expect(order == order.sorted())
    // "Completed by demo-fleet", not "Completed by its worker by demo-fleet".
    #expect(AuditEventItem.label(for: "run.completed") == "Completed")
    #expect(AuditEventItem.label(for: "run.started") == "Started")
  }
}
