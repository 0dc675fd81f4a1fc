import Foundation
import RunwatchCore
import RunwatchTemplates
import Testing

private typealias S = TemplateSamples

/// The markup the phone layout (issue #16) builds on: `app.css` turns labelled run rows into cards and folds
/// the filter form behind its summary; the webhook settings' tables scroll inside their own frames.
@Suite struct TemplatePhoneLayoutTests {
  @Test func runCellsCarryTheirColumnAsCardLabel() {
    let html = OperationsIndexPage.render(S.index(), chrome: S.chrome()).rendered
    #expect(html.contains("<table class=\"data-table data-table--cards\">"))
    let headers = ["Run", "Tenant", "State", "Initiator", "Created", "Duration", "Progress"]
    #expect(html.contains(headers.map { "<th scope=\"col\">\($0)</th>" }.joined()))
    let labels = TemplateMarkup.openingTags(containing: "data-label=", in: html).map { tag in
      String(tag.components(separatedBy: "data-label=\"")[1].prefix { $0 != "\"" })
    }
    let labelled = ["Tenant", "Initiator", "Created", "Duration", "Progress"]
    #expect(
      labels == Array(repeating: labelled, count: S.rows.count).flatMap { $0 }, "every cell but the state's")
    #expect(TemplateMarkup.count("<td class=\"run-state\"><span class=\"badge", in: html) == S.rows.count)
    #expect(TemplateMarkup.firstUnbalancedTag(in: html) == nil)
  }

  @Test func filterFormFoldsBehindASummaryCountingAppliedFilters() throws {
    let unfiltered = OperationsIndexPage.render(S.index(), chrome: S.chrome()).rendered
    #expect(
      unfiltered.contains(
        "<details class=\"filters-disclosure\" open data-applied-filters=\"0\"><summary>Filters</summary>"),
      "open in the markup: without JavaScript the form is there")

    let filters = RunFilterSelection(freshness: .likelyStale, tenantID: 2)
    let html = OperationsIndexPage.render(S.index(filters: filters), chrome: S.chrome()).rendered
    #expect(
      html.contains(
        "<details class=\"filters-disclosure\" open data-applied-filters=\"2\"><summary>Filters "
          + "<span class=\"filters-disclosure__count\">(2<span class=\"visually-hidden\"> applied</span>)</span>"
          + "</summary>"))
    let details = try #require(html.range(of: "<details class=\"filters-disclosure\""))
    let form = try #require(html.range(of: "<form class=\"filters\""))
    let end = try #require(html.range(of: "</form>\n</details>"))
    #expect(details.upperBound < form.lowerBound && form.upperBound < end.lowerBound)
    #expect(TemplateMarkup.firstUnbalancedTag(in: html) == nil)
  }

  @Test func webhookTablesScrollInTheirOwnFramesAndRemoveNamesItsWebhook() {
    let view = WebhookSettingsView(
      workspaceName: "Acme",
      webhooks: [
        .init(
          id: 7, url: "https://hooks.example.com/a", events: WebhookEvents([.failed]), format: .runwatch,
          createdAt: S.ago(60))
      ],
      deliveries: [
        .init(
          id: 3, url: "https://hooks.example.com/a", runID: 105, event: "run.failed", status: "pending",
          attempts: 1, lastHTTPStatus: nil, lastError: nil, createdAt: S.ago(30))
      ],
      now: S.now)
    let html = WebhookSettingsPage.render(view, chrome: S.chrome()).rendered
    for (label, caption) in [
      ("Webhooks", "Webhooks of this workspace"), ("Deliveries", "Deliveries, newest first"),
    ] {
      #expect(
        html.contains(
          "<div class=\"table-scroll\" role=\"region\" aria-label=\"\(label)\" tabindex=\"0\">\n"
            + "<table class=\"data-table\">\n<caption>\(caption)</caption>"))
    }
    #expect(
      html.contains(
        "Remove<span class=\"visually-hidden\"> the webhook to https://hooks.example.com/a</span></button>"))
    #expect(TemplateMarkup.firstUnbalancedTag(in: html) == nil)
  }
}
