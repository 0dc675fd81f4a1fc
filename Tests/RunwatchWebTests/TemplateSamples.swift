import Foundation
import RunwatchCore
import RunwatchTemplates

/// Sample view models for template tests. `hostile` goes into every place user data can reach a page.
enum TemplateSamples {
  static let hostile = "<script>alert(1)</script>\"'&"
  static let clock = ManualTimeSource()
  static var now: Date { clock.now() }
  static let assets = PageChrome.AssetVersions(css: "c55", js: "j5")

  static func chrome(name: String = "Ada Lovelace", workspaces: Int = 2, token: String = "tok-123")
    -> PageChrome
  {
    let acme = PageChrome.WorkspaceOption(slug: "acme", name: "Acme")
    let globex = PageChrome.WorkspaceOption(slug: "globex", name: "Globex")
    return PageChrome(
      assets: assets,
      user: PageChrome.SignedInUser(
        name: name, csrfToken: token, workspace: acme, workspaces: Array([acme, globex].prefix(workspaces)),
        unreadNotifications: 3, canViewAudit: true))
  }

  static let anonymous = PageChrome(assets: assets, user: nil)

  static func hostileChrome() -> PageChrome {
    let bad = PageChrome.WorkspaceOption(slug: hostile, name: hostile)
    return PageChrome(
      assets: PageChrome.AssetVersions(css: hostile, js: hostile),
      user: PageChrome.SignedInUser(
        name: hostile, csrfToken: hostile, workspace: bad, workspaces: [bad, bad], unreadNotifications: 1,
        canViewAudit: true))
  }

  static func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

  static var rows: [RunRow] {
    [
      RunRow(
        id: 105, type: "policy.sync", tenantName: "Contoso", status: .running, outcome: .pending,
        freshness: .freshActive, initiatorName: "Ada", createdAt: ago(300), startedAt: ago(240),
        expectedRuntimeSeconds: 600, summaryCounts: ["processed": 40, "total": 120]),
      RunRow(
        id: 104, type: "inventory_sync", tenantName: "Fabrikam", status: .running, outcome: .pending,
        freshness: .likelyStale, initiatorName: nil, createdAt: ago(5000), startedAt: ago(4800),
        expectedRuntimeSeconds: 1200),
      RunRow(
        id: 103, type: "restore.execute", tenantName: "Contoso", status: .completed, outcome: .failed,
        freshness: .reconciledFailed, initiatorName: "Grace", createdAt: ago(9000), startedAt: ago(8900),
        completedAt: ago(3000), expectedRuntimeSeconds: 900),
      RunRow(
        id: 102, type: "baseline_capture", tenantName: nil, status: .completed, outcome: .succeeded,
        freshness: .terminalNormal, initiatorName: "Ada", createdAt: ago(20000), startedAt: ago(19900),
        completedAt: ago(19000), expectedRuntimeSeconds: 1800),
      RunRow(
        id: 101, type: "report.export", tenantName: "Contoso", status: .queued, outcome: .pending,
        freshness: .unknown, initiatorName: "Ada", createdAt: ago(90000)),
    ]
  }

  static func index(
    rows: [RunRow] = rows, filters: RunFilterSelection = RunFilterSelection(),
    page: KeysetPage = KeysetPage(newerCursor: "106", olderCursor: "101")
  ) -> OperationsIndexView {
    OperationsIndexView(
      counts: OperationsCounts(
        active: 7, likelyStale: 2, reconciledLast24Hours: 4, reconciledSince: ago(88_000)), filters: filters,
      typeOptions: ["policy.sync", "inventory_sync", "restore.execute"],
      tenantOptions: [TenantOption(id: 1, name: "Contoso"), TenantOption(id: 2, name: "Fabrikam")],
      rows: rows,
      page: page, now: now)
  }

  static func reconciledRun(text: String = "Graph throttled the request") -> OperationRun {
    OperationRun(
      id: 103, workspaceID: 1, tenantID: 1, initiatorUserID: 1, type: "restore.execute", status: .completed,
      outcome: .failed, summaryCounts: ["processed": 10, "total": 50],
      failures: [RunFailure(code: "graph.throttled", message: text)],
      context: ["note": .string(text), "items": [1, 2]], createdAt: ago(9000), startedAt: ago(8900),
      lastHeartbeatAt: ago(8000), completedAt: ago(3000),
      reconciliation: Reconciliation(
        reason: .queueFailureBridge, source: "queue_failure_bridge",
        evidence: [
          "queue_failure": [
            "kind": "exception", "exception_class": "GraphException", "message": .string(text),
          ]
        ], reconciledAt: ago(3000)))
  }

  /// A run page; an active run's deadline defaults to a 30-minute queue wait or maximum runtime.
  static func detail(
    run: OperationRun = reconciledRun(), freshness: Freshness = .reconciledFailed,
    deadline: StaleDeadline? = nil
  )
    -> RunDetailView
  {
    let activeDeadline =
      deadline
      ?? (run.status.isTerminal
        ? nil
        : StaleDeadline(
          kind: run.status == .queued ? .queueWait : .maxRuntime, referenceTime: run.referenceTime,
          thresholdSeconds: 1800))
    return RunDetailView(
      run: run, freshness: freshness, tenantName: "Contoso", initiatorName: "Grace",
      expectedRuntimeSeconds: 900,
      deadline: activeDeadline, healing: .scheduled(intervalSeconds: 60),
      lateReports: [
        LateReportItem(
          id: 9, receivedAt: ago(100), kind: "complete", reporter: "token:fleet-1",
          payload: ["outcome": "succeeded"])
      ],
      auditEvents: [auditEvent(id: 77, runID: run.id)], now: now)
  }

  static func auditEvent(id: Int64, runID: Int64?, text: String = "Scheduled reconciler") -> AuditEventItem {
    AuditEventItem(
      id: id, action: "run.reconciled", actorLabel: text, actorKind: "system", source: "scheduled_reconciler",
      createdAt: ago(3000), runID: runID,
      metadata: [
        "before": ["status": "running"], "after": ["status": "completed", "outcome": "failed"],
        "reason_code": "run.stale_running",
      ])
  }
}
