import Foundation
import RunwatchCore
import RunwatchTemplates
import TestStorage
import Testing

@Suite("Template pages")
struct TemplatePageTests {
  typealias S = TemplateSamples

  /// Every page rendered from the samples, for checks that apply to all of them.
  static var allPages: [(String, String)] {
    [
      ("index", OperationsIndexPage.render(S.index(), chrome: S.chrome()).rendered),
      ("index-empty", OperationsIndexPage.render(S.index(rows: []), chrome: S.chrome()).rendered),
      ("detail", RunDetailPage.render(S.detail(), chrome: S.chrome()).rendered),
      (
        "audit",
        AuditPage.render(
          AuditPageView(
            events: [S.auditEvent(id: 77, runID: 103), S.auditEvent(id: 76, runID: nil)],
            actionOptions: ["run.reconciled"], filters: AuditFilterSelection(action: "run.reconciled"),
            page: KeysetPage(olderCursor: "76"), selected: S.auditEvent(id: 77, runID: 103), now: S.now),
          chrome: S.chrome()
        ).rendered
      ),
      (
        "notifications",
        NotificationsPage.render(
          NotificationsView(
            items: [
              NotificationItem(
                id: 1, title: "Restore failed", message: "It was reconciled.", runID: 103,
                createdAt: S.ago(60),
                readAt: nil)
            ], now: S.now), chrome: S.chrome()
        ).rendered
      ),
      ("login", LoginPage.render(LoginView(csrfToken: "t"), chrome: S.anonymous).rendered),
      ("404", ErrorPage.render(.notFound, chrome: S.chrome()).rendered),
      ("403", ErrorPage.render(.forbidden(missingCapability: "restore.view"), chrome: S.chrome()).rendered),
    ]
  }

  @Test func everyPageIsACompleteBalancedDocument() {
    for (name, html) in Self.allPages {
      #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"), "\(name)")
      #expect(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), "\(name)")
      #expect(html.contains("<link rel=\"stylesheet\" href=\"/assets/app.css?v=c55\">"), "\(name)")
      #expect(html.contains("<script src=\"/assets/app.js?v=j5\" defer></script>"), "\(name)")
      #expect(html.contains("<a class=\"skip-link\" href=\"#main\">"), "\(name)")
      #expect(html.contains("<main id=\"main\""), "\(name)")
      #expect(
        TemplateMarkup.firstUnbalancedTag(in: html) == nil,
        "\(name): \(TemplateMarkup.firstUnbalancedTag(in: html) ?? "")")
      #expect(TemplateMarkup.count("<script", in: html) == 1, "\(name): only the deferred app.js script")
      #expect(!html.contains("style="), "\(name): the CSP forbids inline styles")
      #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(name): no inline event handlers")
    }
  }

  @Test func layoutShowsNavigationUserWorkspaceSwitcherAndSignOut() {
    let html = OperationsIndexPage.render(S.index(), chrome: S.chrome()).rendered
    #expect(html.contains("<a href=\"/operations\" aria-current=\"page\">Operations</a>"))
    #expect(html.contains("<a href=\"/audit\">Audit</a>"))
    #expect(
      html.contains("Notifications <span class=\"count\">3<span class=\"visually-hidden\"> unread</span>"))
    #expect(
      html.contains("<form class=\"inline-form workspace-switcher\" method=\"post\" action=\"/workspace\">"))
    #expect(html.contains("<option value=\"acme\" selected>Acme</option>"))
    #expect(html.contains("<option value=\"globex\">Globex</option>"))
    #expect(html.contains("<form class=\"inline-form\" method=\"post\" action=\"/logout\">"))
    #expect(TemplateMarkup.count("name=\"csrf_token\" value=\"tok-123\"", in: html) == 2)
    #expect(html.contains("Signed in as <strong>Ada Lovelace</strong>"))

    let single = OperationsIndexPage.render(S.index(), chrome: S.chrome(workspaces: 1)).rendered
    #expect(!single.contains("action=\"/workspace\""))
    #expect(single.contains("Workspace: <strong>Acme</strong>"))
  }

  @Test func indexRowsCarryDataHooksAndLinks() throws {
    let html = OperationsIndexPage.render(S.index(), chrome: S.chrome()).rendered
    let rows = TemplateMarkup.openingTags(containing: "data-run-id", in: html)
    #expect(rows == S.rows.map { "tr data-run-id=\"\($0.id)\" data-freshness=\"\($0.freshness.rawValue)\"" })
    #expect(html.contains("<a href=\"/operations/105\">Policy sync <span class=\"run-id\">#105</span></a>"))
    #expect(html.contains("<progress max=\"120\" value=\"40\""))
    #expect(
      html.contains(
        "<td class=\"duration\" data-label=\"Duration\">running 1 h 20 min<span class=\"duration__overrun\"><span aria-hidden=\"true\">▲</span> running 4× longer than expected</span></td>"
      ))
    #expect(
      html.contains("<td class=\"run-initiator\" data-label=\"Initiator\">System</td>"),
      "system runs name no initiator")
    #expect(html.contains("<td data-label=\"Tenant\">Workspace-level</td>"))
    for (count, freshness) in [(7, "fresh_active"), (2, "likely_stale")] {
      #expect(
        html.contains(
          "href=\"/operations?freshness=\(freshness)\"><span class=\"count-tile__number\">\(count)</span>"))
    }
    let since = RFC3339.string(from: S.ago(88_000)).replacingOccurrences(of: ":", with: "%3A")
    #expect(
      html.contains(
        "href=\"/operations?freshness=reconciled_failed&amp;reconciled_since=\(since)\"><span class=\"count-tile__number\">4</span>"
      ))
  }

  @Test func paginationLinksKeepFiltersAndCarryCursors() {
    let filters = RunFilterSelection(freshness: .likelyStale, type: "policy.sync", tenantID: 2)
    let html = OperationsIndexPage.render(S.index(filters: filters), chrome: S.chrome()).rendered
    #expect(
      html.contains(
        "rel=\"prev\" href=\"/operations?freshness=likely_stale&amp;type=policy.sync&amp;tenant=2&amp;page=1&amp;after=106\">← Newer</a>"
      ))
    #expect(
      html.contains(
        "rel=\"next\" href=\"/operations?freshness=likely_stale&amp;type=policy.sync&amp;tenant=2&amp;page=2&amp;before=101\">Older →</a>"
      ))

    let first = OperationsIndexPage.render(S.index(page: KeysetPage(olderCursor: "101")), chrome: S.chrome())
      .rendered
    #expect(first.contains("<span class=\"pagination__off\">← Newer</span>"))
    #expect(!first.contains("after="))
    let only = OperationsIndexPage.render(S.index(page: .single), chrome: S.chrome()).rendered
    #expect(!only.contains("aria-label=\"Pagination\""))
  }

  @Test func filterFormKeepsSelectedValues() {
    let filters = RunFilterSelection(
      freshness: .likelyStale, status: .running, outcome: .pending, type: "custom.job", tenantID: 2)
    let html = OperationsIndexPage.render(S.index(filters: filters), chrome: S.chrome()).rendered
    #expect(html.contains("<form class=\"filters\" method=\"get\" action=\"/operations\""))
    for name in ["freshness", "status", "outcome", "type", "tenant"] {
      #expect(html.contains("<label for=\"filter-\(name)\">"))
      #expect(html.contains("<select id=\"filter-\(name)\" name=\"\(name)\">"))
    }
    #expect(html.contains("<option value=\"likely_stale\" selected>Likely stale</option>"))
    #expect(html.contains("<option value=\"running\" selected>Running</option>"))
    #expect(html.contains("<option value=\"pending\" selected>Pending</option>"))
    #expect(html.contains("<option value=\"custom.job\" selected>Custom job</option>"), "unlisted type kept")
    #expect(html.contains("<option value=\"2\" selected>Fabrikam</option>"))
    #expect(
      TemplateMarkup.count(" selected>", in: html) == 5 + 1 + 2,
      "five filters, the workspace switcher, and Any in Requested by and Created")
    #expect(html.contains("<a href=\"/operations\" class=\"button button--quiet\">Clear</a>"))
  }

  @Test func emptyStateNamesTheFiltersThatMatchedNothing() {
    let filters = RunFilterSelection(freshness: .likelyStale, tenantID: 1)
    let html = OperationsIndexPage.render(S.index(rows: [], filters: filters), chrome: S.chrome()).rendered
    #expect(html.contains("No runs match Freshness “Likely stale” and Tenant “Contoso”."))
    #expect(html.contains("<a href=\"/operations\">Clear all filters</a>"))
    #expect(!html.contains("<table"))
    let unfiltered = OperationsIndexPage.render(S.index(rows: []), chrome: S.chrome()).rendered
    #expect(unfiltered.contains("No runs yet in this workspace."))
    #expect(
      EmptyState.sentence(for: [
        .init(name: "A", value: "1"), .init(name: "B", value: "2"), .init(name: "C", value: "3"),
      ])
        == "A “1”, B “2” and C “3”")
  }

  @Test func reconciledRunDetailExplainsItselfWithHooks() {
    let html = RunDetailPage.render(S.detail(), chrome: S.chrome()).rendered
    #expect(
      html.contains(
        "<article class=\"run-detail\" data-run-id=\"103\" data-freshness=\"reconciled_failed\" data-live=\"run\">"
      ))
    #expect(html.contains("data-reason-code=\"run.queue_failure_bridge\""))
    let reason = ReasonCatalog.describe(.queueFailureBridge)
    #expect(html.contains(reason.label))
    #expect(html.contains(HTML(text: reason.explanation).rendered))
    #expect(html.contains("by the job queue&#39;s failure report"))
    #expect(html.contains("<details class=\"diagnostics\" id=\"diagnostics\">"), "closed by default")
    #expect(html.contains("<dt>Queue exception class</dt><dd><code>GraphException</code></dd>"))
    #expect(html.contains("<figcaption>Context</figcaption>"))
    #expect(html.contains("&quot;items&quot; : [\n    1,\n    2\n  ]"), "context pretty-printed")
    #expect(html.contains("<a href=\"/audit?event=77\">Reconciled</a>"))
    #expect(html.contains("Late report refused (Complete)"))
    #expect(html.contains("<th scope=\"row\">Processed</th><td class=\"numeric\">10</td>"))
    let timeline = html.components(separatedBy: "<ol class=\"timeline\">")[1].components(
      separatedBy: "</ol>")[0]
    let order = [
      "Queued", "Started by a worker", "Last progress report", "Reconciled by", "Late report refused",
    ]
    let positions = order.compactMap { timeline.range(of: $0)?.lowerBound }
    #expect(positions.count == order.count && positions == positions.sorted(), "timeline in lifecycle order")
  }

  @Test func likelyStaleDetailSaysItWillBeReconciledAtTheNextTick() {
    let run = OperationRun(
      id: 104, workspaceID: 1, tenantID: 2, initiatorUserID: nil, type: "inventory_sync", status: .running,
      createdAt: S.ago(5000), startedAt: S.ago(4800), lastHeartbeatAt: S.ago(4700))
    let html = RunDetailPage.render(S.detail(run: run, freshness: .likelyStale), chrome: S.chrome()).rendered
    #expect(html.contains("data-freshness=\"likely_stale\""))
    #expect(html.contains("data-reason-code=\"run.stale_running\""))
    #expect(html.contains("Likely stale: Ran past its longest allowed time"))
    #expect(html.contains("data-deadline=\"max_runtime\""))
    #expect(html.contains("This run has been running for 1 h 20 min. Its maximum runtime of 30 min ran out"))
    #expect(
      html.contains("Runwatch will mark it failed at its next reconciliation pass (it checks every 1 min)"))
    #expect(!html.contains("What went wrong"), "an active run has no failure summary")

    let fresh = RunDetailPage.render(S.detail(run: run, freshness: .freshActive), chrome: S.chrome()).rendered
    #expect(!fresh.contains("data-reason-code"))
  }

  @Test func likelyStaleDetailNamesTheHeartbeatDeadlineWhenThatPassed() {
    let run = OperationRun(
      id: 105, workspaceID: 1, tenantID: 2, initiatorUserID: nil, type: "restore.execute", status: .running,
      createdAt: S.ago(700), startedAt: S.ago(600), lastHeartbeatAt: S.ago(300))
    let deadline = StaleDeadline(kind: .heartbeat, referenceTime: S.ago(300), thresholdSeconds: 120)
    let html = RunDetailPage.render(
      S.detail(run: run, freshness: .likelyStale, deadline: deadline), chrome: S.chrome()
    ).rendered
    #expect(html.contains("Likely stale: Stopped reporting progress"))
    #expect(html.contains("data-deadline=\"heartbeat\""))
    #expect(html.contains("has been silent for 5 min. Its heartbeat window of 2 min ran out"))
    #expect(html.contains(">3 min ago</time>"), "when the heartbeat window ran out")
    #expect(!html.contains("maximum runtime"))
    #expect(html.contains("Likely stale: waiting for reconciliation"))

    var unhealed = S.detail(run: run, freshness: .likelyStale, deadline: deadline)
    unhealed.healing = .notScheduled
    let manual = RunDetailPage.render(unhealed, chrome: S.chrome()).rendered
    #expect(manual.contains("Likely stale: waiting for its worker or queue (not reconciled automatically)"))
    #expect(!manual.contains("waiting for reconciliation"))
  }

  @Test func reconciledRunSaysWhichDeadlineFiredAndHowLongItWasQuiet() {
    var run = OperationRun(
      id: 106, workspaceID: 1, tenantID: 2, initiatorUserID: nil, type: "inventory_sync", status: .completed,
      outcome: .failed, createdAt: S.ago(4000), startedAt: S.ago(3900), lastHeartbeatAt: S.ago(3600),
      completedAt: S.ago(2400))
    run.reconciliation = Reconciliation(
      reason: .staleRunning, source: "scheduled_reconciler", evidence: ["deadline": "heartbeat"],
      reconciledAt: S.ago(2400))
    let html = RunDetailPage.render(S.detail(run: run), chrome: S.chrome()).rendered
    #expect(html.contains("data-deadline=\"heartbeat\""))
    #expect(html.contains("Stopped reporting progress"))
    #expect(html.contains("Duration: abandoned after 5 min · no report for 20 min"))
    #expect(!html.contains("took "), "a reconciled run did not take the time until its reconciliation")
    #expect(!html.contains("longer than expected"))

    run.reconciliation?.evidence = ["deadline": "max_runtime"]
    let ceiling = RunDetailPage.render(S.detail(run: run), chrome: S.chrome()).rendered
    #expect(ceiling.contains("Ran past its longest allowed time"))
    #expect(!ceiling.contains("Stopped reporting progress"))
  }

  @Test func auditPageFiltersRowsAndSidePanel() {
    let view = AuditPageView(
      events: [S.auditEvent(id: 77, runID: 103), S.auditEvent(id: 76, runID: nil)],
      actionOptions: ["run.created", "run.reconciled"],
      filters: AuditFilterSelection(action: "run.reconciled", runID: 103),
      page: KeysetPage(newerCursor: "78", olderCursor: "76"), position: QueryString([("before", "78")]),
      selected: S.auditEvent(id: 77, runID: 103), now: S.now)
    let html = AuditPage.render(view, chrome: S.chrome()).rendered
    #expect(html.contains("<option value=\"run.reconciled\" selected>Reconciled</option>"))
    #expect(html.contains("<input id=\"filter-run\" name=\"run\""))
    #expect(html.contains("value=\"103\">"))
    #expect(html.contains("href=\"/audit?action=run.reconciled&amp;run=103&amp;before=78&amp;event=76\""))
    #expect(html.contains("<tr data-event-id=\"77\" class=\"is-selected\">"))
    #expect(!html.contains("aria-selected"), "aria-selected is not allowed on plain table rows")
    #expect(
      html.contains("<aside class=\"side-panel\" aria-labelledby=\"panel-title\" data-event-id=\"77\">"))
    #expect(html.contains("<figcaption>Before</figcaption>"))
    #expect(html.contains("<figcaption>After</figcaption>"))
    #expect(html.contains("&quot;reason_code&quot; : &quot;run.stale_running&quot;"))
    #expect(html.contains("<dt>Subject</dt><dd><a href=\"/operations/103\">Run #103</a></dd>"))
    #expect(html.contains("href=\"/audit?action=run.reconciled&amp;run=103&amp;before=78\">Close"))
    #expect(html.contains("href=\"/audit?action=run.reconciled&amp;run=103&amp;before=76\">Older →</a>"))

    let closed = AuditPage.render(
      AuditPageView(
        events: [], actionOptions: [], filters: AuditFilterSelection(runID: 5), page: .single, selected: nil,
        now: S.now),
      chrome: S.chrome()
    ).rendered
    #expect(!closed.contains("side-panel\""))
    #expect(closed.contains("No audit events match Run id “5”."))
  }

  @Test func notificationsListNewestFirstWithMarkReadForms() {
    let items = [
      NotificationItem(
        id: 1, title: "Old read", message: "m", runID: 11, createdAt: S.ago(50), readAt: S.ago(10)),
      NotificationItem(
        id: 2, title: "Older unread", message: "m", runID: 12, createdAt: S.ago(500), readAt: nil),
      NotificationItem(id: 3, title: "New unread", message: "m", runID: 13, createdAt: S.ago(5), readAt: nil),
    ]
    let html = NotificationsPage.render(NotificationsView(items: items, now: S.now), chrome: S.chrome())
      .rendered
    let order = TemplateMarkup.openingTags(containing: "data-notification-id", in: html).map {
      $0.components(separatedBy: "data-notification-id=\"")[1].prefix { $0 != "\"" }
    }
    #expect(order == ["3", "1", "2"])
    #expect(html.contains("<a href=\"/operations/13\">New unread</a>"))
    #expect(html.contains("action=\"/notifications/3/read\""))
    #expect(html.contains("action=\"/notifications/2/read\""))
    #expect(!html.contains("action=\"/notifications/1/read\""), "read notifications have no form")
    // Two mark-read forms, the chrome's two, "mark all read" and the preference.
    #expect(TemplateMarkup.count("name=\"csrf_token\" value=\"tok-123\"", in: html) == 2 + 2 + 2)
  }

  @Test func loginKeepsEmailAndShowsErrors() {
    let view = LoginView(
      email: "ada@example.com", next: "/operations/5", csrfToken: "t0k",
      error: .throttled(retryAt: Date(timeIntervalSince1970: 3600 * 9 + 120)))
    let html = LoginPage.render(view, chrome: S.anonymous).rendered
    #expect(html.contains("<form class=\"login__form\" method=\"post\" action=\"/login\">"))
    #expect(html.contains("<label for=\"login-email\">Email</label>"))
    #expect(html.contains("<label for=\"login-password\">Password</label>"))
    #expect(html.contains("name=\"email\" type=\"text\" inputmode=\"email\" autocomplete=\"username\""))
    #expect(html.contains("value=\"ada@example.com\""))
    #expect(html.contains("name=\"password\" type=\"password\""))
    #expect(html.contains("<input type=\"hidden\" name=\"csrf_token\" value=\"t0k\">"))
    #expect(html.contains("<input type=\"hidden\" name=\"next\" value=\"/operations/5\">"))
    #expect(html.contains("role=\"alert\"><p>Too many attempts; try again at 09:02 UTC.</p></div>"))
    #expect(!html.contains("action=\"/logout\""), "no signed-in chrome")
    let wrong = LoginPage.render(
      LoginView(email: "x@y", csrfToken: "t", error: .invalidCredentials), chrome: S.anonymous)
    #expect(wrong.rendered.contains("do not match an account"))
    let fresh = LoginPage.render(LoginView(csrfToken: "t"), chrome: S.anonymous).rendered
    #expect(fresh.contains("role=\"alert\"></div>"), "empty alert region present for announcements")
  }

  @Test func errorPagesAreGenericAndName403Capability() {
    let notFound = ErrorPage.render(.notFound, chrome: S.chrome()).rendered
    #expect(notFound.contains("This page does not exist, or you do not have access to it."))
    #expect(!notFound.contains("Not found —"), "the heading is not repeated in the sentence")
    #expect(notFound.contains("<a class=\"button\" href=\"/operations\">"))
    #expect(ErrorPageKind.notFound.status == 404)
    // The template never sees the requested id, so the body for any missing or hidden run is the same bytes.
    #expect(notFound == ErrorPage.render(.notFound, chrome: S.chrome()).rendered)
    #expect(!notFound.contains("103"))

    let forbidden = ErrorPage.render(.forbidden(missingCapability: "restore.view"), chrome: S.chrome())
      .rendered
    #expect(forbidden.contains("Missing capability: <code>restore.view</code>"))
    #expect(forbidden.contains("<h1>Forbidden</h1>"))
    let statuses = [
      ErrorPageKind.badRequest, .methodNotAllowed, .requestTimeout, .payloadTooLarge, .uriTooLong,
      .tooManyRequests, .notImplemented,
    ]
    .map(\.status)
    #expect(statuses == [400, 405, 408, 413, 414, 429, 501])
  }
}
