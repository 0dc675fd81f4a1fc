import Foundation
import RunwatchCore

/// `/insights`: per operation type over the last 24 hours, 7 or 30 days, how runs finished (succeeded, failed,
/// reconciled), why reconciled ones were, how long runs took (p50 / p95) and how many are likely stale now,
/// with a chart per type and the same figures as a table. Every number links to the runs it counts. Types that
/// need a look (failed, reconciled or stale runs) come first.
public enum InsightsPage {
  /// The `range` parameter.
  public static let rangeParameter = "range"

  /// The complete document.
  public static func document(content: HTML, chrome: PageChrome) -> HTML {
    Layout.document(title: "Insights", chrome: chrome.in(.insights), main: content)
  }

  /// The page content (what the microcache keeps).
  public static func content(_ view: InsightsView) -> HTML {
    """
    <div class="page-head">
    <h1>Insights</h1>
    </div>
    \(form(view))
    <p class="muted">Runs that finished since \(TimeElement.absolute(view.since)), by the hour they finished. \
    Reconciled means Runwatch, the queue or an operator closed a run its worker did not finish.</p>
    \(view.types.isEmpty ? "<p>No operation types to show.</p>" : HTML.each(view.types.indices) { section(view, index: $0) })
    """
  }

  private static func form(_ view: InsightsView) -> HTML {
    """
    <form class="filters" method="get" action="/insights" aria-label="Period and tenant">
    \(RunFilterForm.select(rangeParameter, "Period", selected: view.period.rawValue,
      options: InsightsPeriod.allCases.map { ($0.rawValue, $0.label) }, allowsAny: false))
    \(RunFilterForm.select("tenant", "Tenant", selected: view.tenantID.map(String.init),
      options: view.tenantOptions.map { (String($0.id), $0.name) }))
    <div class="filters__actions"><button type="submit" class="button">Show</button></div>
    </form>
    """
  }

  private static func section(_ view: InsightsView, index: Int) -> HTML {
    let row = view.types[index]
    let headingID = "insights-type-\(index)"
    let total = row.total
    return """
      <section class="insight" aria-labelledby="\(headingID)" data-type="\(row.type)">
      <h2 id="\(headingID)">\(OperationTypeLabel.label(for: row.type)) <code>\(row.type)</code></h2>
      <ul class="insight__figures">
      \(figure("Finished", total.finished, link: link(view, row, [])))
      \(figure("Succeeded", total.succeeded, of: total.finished, link: link(view, row, [("outcome", "succeeded")])))
      \(figure("Failed", total.failed, of: total.finished,
        link: link(view, row, [("outcome", "failed"), ("freshness", Freshness.terminalNormal.rawValue)])))
      \(figure("Reconciled", total.reconciled, of: total.finished, link: reconciledLink(view, row, reason: nil)))
      \(figure("Likely stale now", row.staleNow, link: staleLink(view, row)))
      <li><span class="insight__label">Duration p50</span><span class="insight__value">\(durationText(row.p50Seconds))</span></li>
      <li><span class="insight__label">Duration p95</span><span class="insight__value">\(durationText(row.p95Seconds))</span></li>
      </ul>
      \(total.finished == 0 ? "<p class=\"muted\">No runs of this type finished in this period.</p>" : chart(row, view: view, index: index))
      </section>
      """
  }

  private static func chart(_ row: TypeInsightsRow, view: InsightsView, index: Int) -> HTML {
    """
    \(InsightsChart.render(row, view: view, titleID: "insights-chart-\(index)"))
    <ul class="chart__legend" aria-hidden="true"><li class="chart__key chart__key--succeeded">Succeeded</li>\
    <li class="chart__key chart__key--failed">Failed</li><li class="chart__key chart__key--reconciled">Reconciled</li>\
    <li class="chart__key chart__key--other">Other</li></ul>
    \(HTML.when(!row.reasons.isEmpty) { reasons(row, view: view) })
    <details class="insight__table"><summary>The chart as a table</summary>
    <div class="table-wrap"><table>
    <caption>\(OperationTypeLabel.label(for: row.type)): finished runs \(view.period.perBucket)</caption>
    <thead><tr><th scope="col">From</th><th scope="col">Succeeded</th><th scope="col">Failed</th>\
    <th scope="col">Reconciled</th><th scope="col">Other</th></tr></thead>
    <tbody>\(HTML.each(row.series.indices) { bar in
      let counts = row.series[bar]
      return """
        <tr><th scope="row">\(InsightsChart.barLabel(view.start(ofBar: bar), period: view.period))</th>\
        <td>\(ProgressBar.grouped(counts.succeeded))</td><td>\(ProgressBar.grouped(counts.failed))</td>\
        <td>\(ProgressBar.grouped(counts.reconciled))</td><td>\(ProgressBar.grouped(counts.other))</td></tr>
        """
    })</tbody>
    </table></div>
    </details>
    """
  }

  private static func reasons(_ row: TypeInsightsRow, view: InsightsView) -> HTML {
    """
    <h3>Reconciliations by reason</h3>
    <ul class="insight__reasons">\(HTML.each(row.reasons, { reason in
      """
      <li><a href="\(reconciledLink(view, row, reason: reason.code))">\(ProgressBar.grouped(reason.runs))</a> \
      \(ReasonCatalog.describe(reason.code).label) <code>\(reason.code.rawValue)</code></li>
      """
    }))</ul>
    """
  }

  private static func figure(_ label: String, _ value: Int64, of total: Int64? = nil, link: String) -> HTML {
    let share = total.flatMap { total in total > 0 ? percent(value, of: total) : nil }
    return """
      <li><span class="insight__label">\(label)</span><span class="insight__value"><a href="\(link)">\
      \(ProgressBar.grouped(value))</a>\(HTML.unwrap(share) { " <span class=\"muted\">\($0)</span>" })</span></li>
      """
  }

  /// `12 %`, or `0.4 %` below one percent (never "0 %" for a share that is not zero).
  static func percent(_ value: Int64, of total: Int64) -> String {
    let share = Double(value) / Double(total) * 100
    if share > 0 && share < 1 { return String(format: "%.1f %%", share) }
    return "\(Int(share.rounded())) %"
  }

  /// `3.2 s`, `4 min 12 s`, or an em dash when no run was timed.
  static func durationText(_ seconds: Double?) -> String {
    guard let seconds else { return "—" }
    if seconds < 10 { return String(format: "%.1f s", seconds) }
    return TimeText.duration(seconds: Int(seconds.rounded()))
  }

  private static func base(_ view: InsightsView, _ row: TypeInsightsRow) -> [(String, String)] {
    [("type", row.type), ("tenant", view.tenantID.map(String.init) ?? "")]
  }

  private static func link(_ view: InsightsView, _ row: TypeInsightsRow, _ extra: [(String, String)])
    -> String
  {
    QueryString(
      extra + base(view, row) + [
        (RunFilterSelection.finishedSinceParameter, RFC3339.string(from: view.since))
      ]
    ).url(path: "/operations")
  }

  private static func reconciledLink(_ view: InsightsView, _ row: TypeInsightsRow, reason: ReasonCode?)
    -> String
  {
    QueryString(
      [("freshness", reason == nil ? Freshness.reconciledFailed.rawValue : "")] + base(view, row) + [
        (RunFilterSelection.reconciledSinceParameter, RFC3339.string(from: view.since)),
        (RunFilterSelection.reasonParameter, reason?.rawValue ?? ""),
      ]
    ).url(path: "/operations")
  }

  private static func staleLink(_ view: InsightsView, _ row: TypeInsightsRow) -> String {
    QueryString([("freshness", Freshness.likelyStale.rawValue)] + base(view, row)).url(path: "/operations")
  }
}
