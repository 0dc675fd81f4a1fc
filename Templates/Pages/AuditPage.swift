import Foundation
import RunwatchCore

/// Filters of the audit log as selected in the request (already allow-listed by the router).
public struct AuditFilterSelection: Sendable, Equatable {
  /// `action` parameter (an action code).
  public var action: String?
  /// `run` parameter (a run id).
  public var runID: Int64?

  /// Creates a selection.
  public init(action: String? = nil, runID: Int64? = nil) {
    self.action = action
    self.runID = runID
  }

  /// The selection as GET parameters; unset filters are left out.
  public var query: QueryString {
    QueryString([("action", action ?? ""), ("run", runID.map(String.init) ?? "")])
  }
}

/// Everything the audit log page shows.
public struct AuditPageView: Sendable, Equatable {
  /// Events of this page, newest first.
  public var events: [AuditEventItem]
  /// Action codes offered in the action filter.
  public var actionOptions: [String]
  /// The filters applied.
  public var filters: AuditFilterSelection
  /// Cursors to neighbouring pages.
  public var page: KeysetPage
  /// The cursor parameter of the current request (`before=…` or `after=…`), kept in inspection links so
  /// opening the side panel does not move the list.
  public var position: QueryString
  /// The event being inspected (`?event=<id>`), if any.
  public var selected: AuditEventItem?
  /// The clock reading used for relative times.
  public var now: Date

  /// Creates the view.
  public init(
    events: [AuditEventItem], actionOptions: [String], filters: AuditFilterSelection, page: KeysetPage,
    position: QueryString = QueryString(), selected: AuditEventItem?, now: Date
  ) {
    self.events = events
    self.actionOptions = actionOptions
    self.filters = filters
    self.page = page
    self.position = position
    self.selected = selected
    self.now = now
  }

  /// Filters plus position: the list as it is on screen.
  var listQuery: QueryString {
    var query = filters.query
    for item in position.items { query = query.setting(item.name, to: item.value) }
    return query
  }
}

/// `GET /audit`, with the inspection side panel for `?event=<id>`.
public enum AuditPage {
  /// The whole document.
  public static func render(_ view: AuditPageView, chrome: PageChrome) -> HTML {
    let main: HTML = """
      <h1>Audit log</h1>
      \(filterForm(view))
      <div class="with-panel\(HTML.when(view.selected != nil) { " with-panel--open" })">
      <div class="with-panel__main">
      \(view.events.isEmpty ? emptyState(view) : table(view))
      \(Pagination.render(view.page, path: "/audit", base: view.filters.query))
      </div>
      \(HTML.unwrap(view.selected) { panel($0, view: view) })
      </div>
      """
    return Layout.document(title: "Audit log", chrome: chrome.in(.audit), main: main)
  }

  private static func filterForm(_ view: AuditPageView) -> HTML {
    var actions = view.actionOptions
    if let selected = view.filters.action, !actions.contains(selected) { actions.append(selected) }
    return """
      <form class="filters" method="get" action="/audit" aria-label="Filter audit events">
      \(RunFilterForm.select("action", "Action", selected: view.filters.action,
        options: actions.map { ($0, AuditEventItem.label(for: $0)) }))
      <div class="field">
      <label for="filter-run">Run id</label>
      <input id="filter-run" name="run" type="text" inputmode="numeric" pattern="\\s*#?[0-9]*\\s*" placeholder="#245" autocomplete="off" \
      value="\(view.filters.runID.map(String.init) ?? "")">
      </div>
      <div class="filters__actions">
      <button type="submit" class="button">Apply filters</button>
      <a href="/audit" class="button button--quiet">Clear</a>
      </div>
      </form>
      """
  }

  private static func table(_ view: AuditPageView) -> HTML {
    let columns = ["Event", "Actor", "Subject", "When"].map { Table.Column($0) }
    return Table.render(
      caption: "Audit events, newest first", columns: columns,
      rows: HTML.each(view.events, separator: "\n") { event in
        let href = view.listQuery.setting("event", to: String(event.id)).url(path: "/audit")
        let isSelected = view.selected?.id == event.id
        return """
          <tr data-event-id="\(event.id)"\(HTML.attribute("class=\"is-selected\"", if: isSelected))>\
          <th scope="row"><a href="\(href)"\(HTML.attribute("aria-current=\"true\"", if: isSelected))>\
          \(AuditEventItem.label(for: event.action))</a></th>\
          <td>\(event.actorLabel)</td>\
          <td>\(subjectLink(event))</td>\
          <td>\(TimeElement.relative(event.createdAt, now: view.now))</td></tr>
          """
      })
  }

  private static func subjectLink(_ event: AuditEventItem) -> HTML {
    HTML.unwrap(event.runID, otherwise: "<span class=\"muted\">Workspace</span>") {
      "<a href=\"/operations/\($0)\">Run #\($0)</a>"
    }
  }

  private static func panel(_ event: AuditEventItem, view: AuditPageView) -> HTML {
    var rest = event.metadata.objectValue ?? [:]
    let before = rest.removeValue(forKey: "before")
    let after = rest.removeValue(forKey: "after")
    let other: JSONValue? =
      event.metadata.objectValue == nil ? event.metadata : (rest.isEmpty ? nil : .object(rest))
    let closeHref = view.listQuery.url(path: "/audit")
    return """
      <aside class="side-panel" aria-labelledby="panel-title" data-event-id="\(event.id)">
      <div class="side-panel__head">
      <h2 id="panel-title">\(AuditEventItem.label(for: event.action))</h2>
      <a class="button button--quiet" href="\(closeHref)">Close<span class="visually-hidden"> event details</span></a>
      </div>
      <dl class="facts">
      <dt>Action</dt><dd><code>\(event.action)</code></dd>
      <dt>Actor</dt><dd>\(event.actorLabel) <span class="muted">(\(event.actorKind), via <code>\(event.source)</code>)</span></dd>
      <dt>Time</dt><dd>\(TimeElement.absolute(event.createdAt))</dd>
      <dt>Subject</dt><dd>\(subjectLink(event))</dd>
      </dl>
      \(HTML.unwrap(before) { JSONBlock.render(title: "Before", $0) })\
      \(HTML.unwrap(after) { JSONBlock.render(title: "After", $0) })\
      \(HTML.unwrap(other) { JSONBlock.render(title: "Details", $0) })
      </aside>
      """
  }

  private static func emptyState(_ view: AuditPageView) -> HTML {
    var applied: [EmptyState.AppliedFilter] = []
    if let action = view.filters.action {
      applied.append(.init(name: "Action", value: AuditEventItem.label(for: action)))
    }
    if let runID = view.filters.runID { applied.append(.init(name: "Run id", value: String(runID))) }
    return EmptyState.render(
      noun: "audit events", filters: applied, emptyMessage: "No audit events yet in this workspace.",
      clearHref: "/audit")
  }
}
