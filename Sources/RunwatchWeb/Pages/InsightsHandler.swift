import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /insights`: per operation type, how runs finished over the last 24 hours, 7 or 30 days, read from the
/// maintained rollups, for the runs the viewer could open (the index's scope: tenants and hidden types).
struct InsightsHandler: Sendable {
  let environment: WebEnvironment

  /// Parameters the page accepts (`workspace` is ignored, as on the other pages).
  static let knownParameters: Set<String> = [InsightsPage.rangeParameter, "tenant", "workspace"]

  func respond(to request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      let database = environment.database
      let scope = try database.runScope(for: viewer.principal, in: viewer.workspace.id).orRefuse()
      let reader = QueryReader(query: request.query)
      let tenantOptions = try environment.visibleTenants(scope: scope)
      let tenantIDs = Set(tenantOptions.map(\.id))
      var collector = BadParameterCollector()
      let period = collector.read { () throws(BadParameter) in
        try reader.value(InsightsPage.rangeParameter, InsightsPeriod.init(rawValue:))
      }
      let tenantID = collector.read { () throws(BadParameter) in
        try reader.value("tenant") { text in
          Int64(pathParameter: text).flatMap { tenantIDs.contains($0) ? $0 : nil }
        }
      }
      try BadParameterCollector.finish(collector, unknown: reader.unknownNames(known: Self.knownParameters))
      let chosen = period ?? .day
      let key =
        "insights|\(PageMicrocache.scopeKey(scope))|\(chosen.rawValue)|\(tenantID.map(String.init) ?? "")"
      let content = try environment.pages.content(for: key) {
        try render(scope: scope, period: chosen, tenantID: tenantID, tenantOptions: tenantOptions)
      }
      return PageResponses.page(
        InsightsPage.document(
          content: content, chrome: viewer.chrome(environment: environment, section: .insights)))
    }
  }

  private func render(
    scope: RunScope, period: InsightsPeriod, tenantID: Int64?, tenantOptions: [TenantOption]
  )
    throws -> HTML
  {
    let now = environment.clock.now()
    let range = InsightsRange(endingAt: now, bucketSeconds: period.bucketSeconds, buckets: period.buckets)
    let insights = try environment.database.insights(
      scope: scope, tenantID: tenantID, range: range, types: environment.policy.types.keys.sorted(), now: now)
    // Types that need a look come first: the most failed, reconciled or stale runs, then the busiest.
    let ordered = insights.enumerated().sorted { left, right in
      let (a, b) = (left.element, right.element)
      let attention = (
        a.total.failed + a.total.reconciled + a.staleNow, b.total.failed + b.total.reconciled + b.staleNow
      )
      if attention.0 != attention.1 { return attention.0 > attention.1 }
      if a.total.finished != b.total.finished { return a.total.finished > b.total.finished }
      return left.offset < right.offset
    }.map(\.element)
    let rows = ordered.map { entry in
      TypeInsightsRow(
        type: entry.type, total: Self.counts(entry.total), series: entry.series.map(Self.counts),
        reasons: entry.reasons.compactMap { code, runs in ReasonCode(rawValue: code).map { ($0, runs) } }
          .sorted { ($0.runs, $1.code.rawValue) > ($1.runs, $0.code.rawValue) },
        p50Seconds: entry.p50Seconds, p95Seconds: entry.p95Seconds, staleNow: entry.staleNow)
    }
    return InsightsPage.content(
      InsightsView(
        period: period, since: range.since, tenantID: tenantID, tenantOptions: tenantOptions, types: rows))
  }

  private static func counts(_ finished: TypeInsights.Finished) -> FinishedCounts {
    FinishedCounts(
      succeeded: finished.succeeded, failed: finished.failed, reconciled: finished.reconciled,
      other: finished.other)
  }
}
