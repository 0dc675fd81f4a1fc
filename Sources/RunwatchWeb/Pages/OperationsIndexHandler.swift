import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /operations`: the runs the viewer could open, newest first, filtered and keyset-paginated.
struct OperationsIndexHandler: Sendable {
  /// Rows per page.
  static let pageSize = OperationsIndexPage.pageSize

  let environment: WebEnvironment

  func respond(to request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      let database = environment.database
      let scope = try database.runScope(for: viewer.principal, in: viewer.workspace.id).orRefuse()
      // Names the page does not know are refused before the microcache (whose key ignores them) answers.
      let reader = QueryReader(query: request.query)
      let unknown = reader.unknownNames(known: Self.knownParameters)
      if !unknown.isEmpty {
        // Named together with any refused filter value, in one answer.
        var refused: [String] = []
        do {
          _ = try database.snapshot { try selection(reader, scope: scope) }
        } catch let bad as BadParameter {
          refused = bad.names
        }
        throw BadParameter(names: refused + unknown)
      }
      // Finding a run by its number: `q=245` or `q=#245` opens its page, which answers exactly as the link
      // would (the run, or the same "not found" as any run the viewer may not see). Other text searches.
      if let runID = try reader.value(Self.findParameter).flatMap(Self.runNumber) {
        return .redirect(to: "/operations/\(runID)")
      }
      // On a miss, every query of the page in one read transaction: one snapshot (the counts and the list
      // agree), one transaction instead of seven.
      let content = try environment.pages.content(for: Self.cacheKey(request, scope: scope)) {
        try database.snapshot { try render(request, scope: scope) }
      }
      return PageResponses.page(
        OperationsIndexPage.document(
          content: content, chrome: viewer.chrome(environment: environment, section: .operations)))
    }
  }

  /// The query parameters that change what the page shows; others (a workspace switch, unknown names) do not
  /// split the microcache.
  static let contentParameters = [
    "freshness", "status", "outcome", "type", "tenant", RunFilterSelection.reconciledSinceParameter,
    RunFilterSelection.finishedSinceParameter, RunFilterSelection.reasonParameter,
    RunFilterSelection.initiatorParameter, RunFilterSelection.createdAfterParameter,
    RunFilterSelection.createdBeforeParameter, KeysetPage.pageParameter, findParameter,
    KeysetPage.olderParameter, KeysetPage.newerParameter,
  ]

  /// The "find a run" box's parameter.
  static let findParameter = "q"

  /// Every parameter the page accepts: its filters and cursors, the find box, and `workspace` (which reading a
  /// page ignores; old links carry it).
  static let knownParameters = Set(contentParameters + ["workspace"])

  /// A run number as people write it: `245`, `#245`, with spaces around.
  static func runNumber(_ text: String) -> Int64? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    return Int64(pathParameter: trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed)
  }

  /// The microcache key: the viewer's scope and every parameter that decides the content, as sent.
  static func cacheKey(_ request: HTTPRequest, scope: RunScope) -> String {
    let parameters = contentParameters.map { name in
      "\(name)=" + request.query.all(name).joined(separator: "\u{1F}")
    }
    return "operations|" + PageMicrocache.scopeKey(scope) + "|" + parameters.joined(separator: "&")
  }

  /// The page content for `scope` and the request's filters; throws `BadParameter` for a refused filter.
  private func render(_ request: HTTPRequest, scope: RunScope) throws -> HTML {
    let database = environment.database
    let now = environment.clock.now()
    let reader = QueryReader(query: request.query)
    let (selection, tenantOptions, typeOptions) = try self.selection(reader, scope: scope)
    let cursor = try reader.cursor()
    let filter = RunFilter(
      freshness: selection.freshness, status: selection.status, outcome: selection.outcome,
      type: selection.type, tenantID: selection.tenantID, reconciledSince: selection.reconciledSince,
      finishedSince: selection.finishedSince, reason: selection.reason,
      createdAfter: selection.createdAfter?.instant, createdBefore: selection.createdBefore?.instant,
      initiator: selection.initiator.map { choice in
        switch choice {
        case .user(let id): .user(id)
        case .system: .system
        }
      }, words: selection.search.map(RunSearch.words) ?? [])
    let page = try database.listRunSummaries(
      scope: scope, filter: filter, before: cursor.before, after: cursor.after, limit: Self.pageSize,
      now: now)
    let view = OperationsIndexView(
      counts: try counts(scope: scope, now: now), filters: selection, typeOptions: typeOptions,
      tenantOptions: tenantOptions, rows: try rows(for: page.runs, now: now),
      page: KeysetPage(
        newerCursor: page.newerCursor.map(String.init), olderCursor: page.olderCursor.map(String.init)),
      now: now,
      initiatorOptions: try database.memberNames(workspaceID: scope.workspaceID).map {
        PersonOption(id: $0.id, name: $0.name)
      },
      pageNumber: try reader.value(KeysetPage.pageParameter) { Int($0) }
        ?? (cursor.before == nil && cursor.after == nil ? 1 : nil))
    return OperationsIndexPage.content(view)
  }

  /// The request's filters, with the tenants and types the form offers.
  private func selection(_ reader: QueryReader, scope: RunScope) throws -> (
    RunFilterSelection, [TenantOption], [String]
  ) {
    let tenantOptions = try environment.visibleTenants(scope: scope)
    let typeOptions = try offeredTypes(scope: scope)
    let selection = try Self.selection(
      reader, typeOptions: Set(typeOptions).union(environment.policy.types.keys),
      tenantIDs: Set(tenantOptions.map(\.id)), now: environment.clock.now())
    return (selection, tenantOptions, typeOptions)
  }

  /// The filters, each allow-listed: enum values by their raw values, types from `typeOptions`, tenants from
  /// those visible to the viewer (a tenant outside the scope is refused, not silently emptied).
  static func selection(_ reader: QueryReader, typeOptions: Set<String>, tenantIDs: Set<Int64>, now: Date)
    throws(BadParameter) -> RunFilterSelection
  {
    // Every filter is read, so the 400 names every refused one at once.
    var collector = BadParameterCollector()
    let selection = RunFilterSelection(
      freshness: collector.read { () throws(BadParameter) in
        try reader.value("freshness", Freshness.init(rawValue:))
      },
      status: collector.read { () throws(BadParameter) in
        try reader.value("status", RunStatus.init(rawValue:))
      },
      outcome: collector.read { () throws(BadParameter) in
        try reader.value("outcome", RunOutcome.init(rawValue:))
      },
      type: collector.read { () throws(BadParameter) in
        try reader.value("type") { typeOptions.contains($0) ? $0 : nil }
      },
      tenantID: collector.read { () throws(BadParameter) in
        try reader.value("tenant") { text in
          Int64(pathParameter: text).flatMap { tenantIDs.contains($0) ? $0 : nil }
        }
      },
      reconciledSince: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.reconciledSinceParameter, QueryReader.utcInstant)
      },
      finishedSince: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.finishedSinceParameter, QueryReader.utcInstant)
      },
      reason: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.reasonParameter, ReasonCode.init(rawValue:))
      },
      createdAfter: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.createdAfterParameter) { QueryReader.timeBound($0, now: now) }
      },
      createdBefore: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.createdBeforeParameter) {
          QueryReader.timeBound($0, now: now, wholeDay: true)
        }
      },
      initiator: collector.read { () throws(BadParameter) in
        try reader.value(RunFilterSelection.initiatorParameter) { text in
          text == "system" ? .system : Int64(pathParameter: text).map { .user($0) }
        }
      },
      search: collector.read { () throws(BadParameter) in
        // Text to search for: at least one word of two letters or digits, at most 200 characters.
        try reader.value(findParameter) { text in
          text.count <= 200 && !RunSearch.words(text).isEmpty ? text : nil
        }
      })
    _ = collector.read { () throws(BadParameter) in
      try reader.value(KeysetPage.pageParameter) { Int($0).flatMap { (1...100_000).contains($0) ? $0 : nil } }
    }
    _ = collector.read { () throws(BadParameter) in try reader.cursor().before }
    try collector.finish()
    return selection
  }

  /// Covered types the viewer may see, then uncovered types that have visible runs.
  private func offeredTypes(scope: RunScope) throws -> [String] {
    let hidden = Set(scope.hiddenTypes)
    let covered = environment.policy.types.keys.filter { !hidden.contains($0) }.sorted()
    return covered + (try environment.database.uncoveredTypes(scope: scope))
  }

  private func counts(scope: RunScope, now: Date) throws -> OperationsCounts {
    let database = environment.database
    let active = try database.activeCounts(scope: scope, now: now)
    let reconciled = try database.reconciledFailedLastDay(scope: scope, now: now)
    return OperationsCounts(
      active: active.freshActive, likelyStale: active.likelyStale, reconciledLast24Hours: reconciled.count,
      reconciledSince: reconciled.since)
  }

  /// Rows for one page, with tenant and initiator names fetched in one query each.
  private func rows(for runs: [RunSummary], now: Date) throws -> [RunRow] {
    let database = environment.database
    let policy = environment.policy
    let tenantNames = try database.tenantNames(ids: runs.compactMap(\.tenantID))
    let userNames = try database.userNames(ids: runs.compactMap(\.initiatorUserID))
    return runs.map { run in
      RunRow(
        id: run.id, type: run.type, tenantName: run.tenantID.map { tenantNames[$0] ?? "Tenant #\($0)" },
        status: run.status, outcome: run.outcome, freshness: run.freshness(now: now),
        initiatorName: run.initiatorUserID.map { userNames[$0] ?? "User #\($0)" }, createdAt: run.createdAt,
        startedAt: run.startedAt, completedAt: run.completedAt,
        expectedRuntimeSeconds: policy.types[run.type]?.expectedRuntimeSeconds,
        summaryCounts: run.progressCounts,
        lastHeartbeatAt: run.lastHeartbeatAt, reconciliationReason: run.reconciliationReason)
    }
  }
}
