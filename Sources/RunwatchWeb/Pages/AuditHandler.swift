import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /audit`: the workspace's audit events the viewer may see (needs `audit.view`), newest first, with the
/// `?event=<id>` inspection panel.
struct AuditHandler: Sendable {
  /// Events per page.
  static let pageSize = 50

  let environment: WebEnvironment

  func respond(to request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      // Read-only: every query of the page in one read transaction (one snapshot).
      try environment.database.snapshot {
        let database = environment.database
        let workspaceID = viewer.workspace.id
        try AccessControl.decide(principal: viewer.principal, workspaceID: workspaceID, requiring: .auditView)
          .orRefuse()
        // Events about runs are only listed when the run itself would open for this viewer.
        guard let scope = database.runScope(for: viewer.principal, in: workspaceID).value else {
          return PageResponses.error(
            .forbidden(missingCapability: Capability.operationsView.rawValue), viewer: viewer,
            environment: environment)
        }
        let reader = QueryReader(query: request.query)
        let actions = AuditAction.allCases.map(\.rawValue)
        // Every parameter is read, so a 400 names every refused (or unknown) one at once.
        var collector = BadParameterCollector()
        let filters = AuditFilterSelection(
          action: collector.read { () throws(BadParameter) in
            try reader.value("action") { actions.contains($0) ? $0 : nil }
          },
          // As the pages write run ids too: `245` or `#245`.
          runID: collector.read { () throws(BadParameter) in
            try reader.value("run", OperationsIndexHandler.runNumber)
          })
        let cursor =
          collector.read { () throws(BadParameter) in try reader.cursor() } ?? (before: nil, after: nil)
        let selectedID = collector.read { () throws(BadParameter) in try reader.id("event") }
        let unknown = reader.unknownNames(
          known: [
            "action", "run", "event", KeysetPage.olderParameter, KeysetPage.newerParameter, "workspace",
          ])
        try BadParameterCollector.finish(collector, unknown: unknown)
        var selected: AuditEventItem?
        if let selectedID {
          guard let event = try database.auditEvent(id: selectedID, scope: scope) else {
            return PageResponses.error(.notFound, viewer: viewer, environment: environment)
          }
          selected = AuditEventItem(event: event)
        }
        let page = try database.listAuditEvents(
          scope: scope, filter: AuditFilter(action: filters.action, runID: filters.runID),
          before: cursor.before,
          after: cursor.after, limit: Self.pageSize)
        let position = QueryString([
          (KeysetPage.olderParameter, cursor.before.map(String.init) ?? ""),
          (KeysetPage.newerParameter, cursor.after.map(String.init) ?? ""),
        ])
        let view = AuditPageView(
          events: page.events.map(AuditEventItem.init(event:)), actionOptions: actions, filters: filters,
          page: KeysetPage(
            newerCursor: page.newerCursor.map(String.init), olderCursor: page.olderCursor.map(String.init)),
          position: position, selected: selected, now: environment.clock.now())
        return PageResponses.page(
          AuditPage.render(view, chrome: viewer.chrome(environment: environment, section: .audit)))
      }
    }
  }
}
