import Foundation
import RunwatchCore
import RunwatchTemplates
import TestStorage
import Testing

/// A run whose context, failure message and every other user-supplied string contain `<script>` and quotes
/// must render inert on every page.
@Suite("Template escaping")
struct TemplateEscapingTests {
  typealias S = TemplateSamples
  static let bad = S.hostile

  /// The raw hostile string must never appear, only its escaped form (or its percent-encoded form in URLs).
  static func expectInert(_ html: String, _ page: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!html.contains("<script>alert"), "\(page)", sourceLocation: sourceLocation)
    #expect(!html.contains("\"'&"), "\(page): quotes break out", sourceLocation: sourceLocation)
    #expect(TemplateMarkup.count("<script", in: html) == 1, "\(page)", sourceLocation: sourceLocation)
    #expect(TemplateMarkup.firstUnbalancedTag(in: html) == nil, "\(page)", sourceLocation: sourceLocation)
    #expect(
      html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;")
        || html.contains("%3Cscript%3Ealert%281%29"), "\(page): hostile text is shown escaped",
      sourceLocation: sourceLocation)
  }

  static func hostileRun() -> OperationRun {
    OperationRun(
      id: 666, workspaceID: 1, tenantID: 1, initiatorUserID: 1, type: bad, status: .completed,
      outcome: .failed,
      summaryCounts: [bad: 1], failures: [RunFailure(code: bad, message: bad)],
      context: .object([bad: .string(bad), "nested": [.string(bad)]]), createdAt: S.ago(900),
      startedAt: S.ago(800), lastHeartbeatAt: S.ago(700), completedAt: S.ago(600),
      reconciliation: Reconciliation(
        reason: .queueFailureBridge, source: bad,
        evidence: ["queue_failure": ["exception_class": .string(bad), "message": .string(bad)]],
        reconciledAt: S.ago(600)))
  }

  @Test func runDetailRendersHostileRunInert() {
    let view = RunDetailView(
      run: Self.hostileRun(), freshness: .reconciledFailed, tenantName: Self.bad, initiatorName: Self.bad,
      expectedRuntimeSeconds: 60, deadline: nil, healing: .notScheduled,
      lateReports: [
        LateReportItem(
          id: 1, receivedAt: S.ago(5), kind: Self.bad, reporter: Self.bad, payload: .string(Self.bad))
      ],
      auditEvents: [S.auditEvent(id: 1, runID: 666, text: Self.bad)], now: S.now)
    let html = RunDetailPage.render(view, chrome: S.hostileChrome()).rendered
    Self.expectInert(html, "detail")
    #expect(html.contains("<dt>Queue exception message</dt><dd><code>&lt;script&gt;"))
    // What the queue said, as it said it (escaped), instead of repeating the callout.
    #expect(html.contains("<code class=\"failure__class\">&lt;script&gt;alert(1)"))
    #expect(html.contains("<pre class=\"failure__text\">&lt;script&gt;alert(1)"))
    #expect(
      html.contains("&quot;&lt;script&gt;alert(1)&lt;/script&gt;\\&quot;&#39;&amp;&quot; : "), "context key")
  }

  @Test func indexRendersHostileNamesAndFiltersInert() {
    let row = RunRow(
      id: 1, type: Self.bad, tenantName: Self.bad, status: .queued, outcome: .pending, freshness: .unknown,
      initiatorName: Self.bad, createdAt: S.ago(10))
    let view = OperationsIndexView(
      counts: OperationsCounts(
        active: 0, likelyStale: 0, reconciledLast24Hours: 0, reconciledSince: S.ago(86_400)),
      filters: RunFilterSelection(type: Self.bad), typeOptions: [Self.bad],
      tenantOptions: [TenantOption(id: 1, name: Self.bad)], rows: [row],
      page: KeysetPage(newerCursor: Self.bad, olderCursor: Self.bad), now: S.now)
    let html = OperationsIndexPage.render(view, chrome: S.hostileChrome()).rendered
    Self.expectInert(html, "index")
    #expect(
      html.contains("type=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27%26&amp;page=1&amp;after=%3Cscript"))
    #expect(html.contains("app.css?v=%3Cscript"))

    let empty = OperationsIndexPage.render(
      OperationsIndexView(
        counts: view.counts, filters: RunFilterSelection(type: Self.bad, tenantID: 9), typeOptions: [],
        tenantOptions: [], rows: [], page: .single, now: S.now), chrome: S.hostileChrome()
    ).rendered
    Self.expectInert(empty, "empty index")
  }

  @Test func auditNotificationsLoginAndErrorsRenderInert() {
    let event = AuditEventItem(
      id: 5, action: Self.bad, actorLabel: Self.bad, actorKind: Self.bad, source: Self.bad,
      createdAt: S.ago(5),
      runID: 7,
      metadata: ["before": .string(Self.bad), "after": [Self.bad: .string(Self.bad)], "x": .string(Self.bad)])
    let audit = AuditPage.render(
      AuditPageView(
        events: [event], actionOptions: [Self.bad], filters: AuditFilterSelection(action: Self.bad),
        page: KeysetPage(olderCursor: Self.bad), position: QueryString([("before", Self.bad)]),
        selected: event,
        now: S.now), chrome: S.hostileChrome()
    ).rendered
    Self.expectInert(audit, "audit")

    let notifications = NotificationsPage.render(
      NotificationsView(
        items: [
          NotificationItem(
            id: 1, title: Self.bad, message: Self.bad, runID: 2, createdAt: S.ago(5), readAt: nil)
        ],
        now: S.now), chrome: S.hostileChrome()
    ).rendered
    Self.expectInert(notifications, "notifications")

    let login = LoginPage.render(
      LoginView(email: Self.bad, next: Self.bad, csrfToken: Self.bad, error: .invalidCredentials),
      chrome: S.anonymous
    ).rendered
    Self.expectInert(login, "login")

    let forbidden = ErrorPage.render(.forbidden(missingCapability: Self.bad), chrome: S.hostileChrome())
      .rendered
    Self.expectInert(forbidden, "403")
  }
}
