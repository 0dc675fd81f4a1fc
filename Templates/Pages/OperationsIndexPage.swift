import Foundation
import RunwatchCore

/// Filters of the Operations index as selected in the request (already allow-listed by the router).
public struct RunFilterSelection: Sendable, Equatable {
  /// `freshness` parameter.
  public var freshness: Freshness?
  /// `status` parameter.
  public var status: RunStatus?
  /// `outcome` parameter.
  public var outcome: RunOutcome?
  /// `type` parameter.
  public var type: String?
  /// `tenant` parameter (tenant id).
  public var tenantID: Int64?
  /// `reconciled_since` parameter (RFC 3339 UTC): only runs reconciled at or after it.
  public var reconciledSince: Date?
  /// `finished_since` parameter (RFC 3339 UTC): only runs that finished at or after it (the insights links).
  public var finishedSince: Date?
  /// `reason` parameter: only runs reconciled with this reason code.
  public var reason: ReasonCode?
  /// `created_after` parameter: a quick range (`1h`, `24h`, `7d`), a date or an instant.
  public var createdAfter: TimeBound?
  /// `created_before` parameter ("jump to date"): a date (that whole day included) or an instant.
  public var createdBefore: TimeBound?
  /// `initiator` parameter: a user id, or `system`.
  public var initiator: InitiatorChoice?
  /// `q` parameter when it is text to search for (a run number opens that run instead).
  public var search: String?

  /// Creates a selection.
  public init(
    freshness: Freshness? = nil, status: RunStatus? = nil, outcome: RunOutcome? = nil, type: String? = nil,
    tenantID: Int64? = nil, reconciledSince: Date? = nil, finishedSince: Date? = nil,
    reason: ReasonCode? = nil, createdAfter: TimeBound? = nil, createdBefore: TimeBound? = nil,
    initiator: InitiatorChoice? = nil, search: String? = nil
  ) {
    self.search = search
    self.freshness = freshness
    self.status = status
    self.outcome = outcome
    self.type = type
    self.tenantID = tenantID
    self.reconciledSince = reconciledSince
    self.finishedSince = finishedSince
    self.reason = reason
    self.createdAfter = createdAfter
    self.createdBefore = createdBefore
    self.initiator = initiator
  }

  /// The name of the search parameter (the Find box).
  public static let searchParameter = "q"
  /// The name of the created-after parameter.
  public static let createdAfterParameter = "created_after"
  /// The name of the created-before parameter.
  public static let createdBeforeParameter = "created_before"
  /// The name of the initiator parameter.
  public static let initiatorParameter = "initiator"
  /// The quick ranges the Created filter offers, as `created_after` values.
  public static let quickRanges = [("1h", "Last hour"), ("24h", "Last 24 hours"), ("7d", "Last 7 days")]

  /// The name of the reconciled-since parameter.
  public static let reconciledSinceParameter = "reconciled_since"
  /// The name of the finished-since parameter.
  public static let finishedSinceParameter = "finished_since"
  /// The name of the reason parameter.
  public static let reasonParameter = "reason"

  /// The selection as GET parameters, in form order; unset filters are left out.
  public var query: QueryString {
    QueryString([
      ("freshness", freshness?.rawValue ?? ""), ("status", status?.rawValue ?? ""),
      ("outcome", outcome?.rawValue ?? ""), ("type", type ?? ""), ("tenant", tenantID.map(String.init) ?? ""),
      (Self.reconciledSinceParameter, reconciledSince.map { RFC3339.string(from: $0) } ?? ""),
      (Self.finishedSinceParameter, finishedSince.map { RFC3339.string(from: $0) } ?? ""),
      (Self.reasonParameter, reason?.rawValue ?? ""),
      (Self.initiatorParameter, initiator?.parameter ?? ""),
      (Self.createdAfterParameter, createdAfter?.text ?? ""),
      (Self.createdBeforeParameter, createdBefore?.text ?? ""), (Self.searchParameter, search ?? ""),
    ])
  }
}

/// A time bound as written in the URL (`24h`, `2026-12-05`, `2026-12-05T10:00:00Z`) and the instant it stood
/// for when the page was rendered.
public struct TimeBound: Sendable, Equatable {
  /// The parameter value, as given.
  public var text: String
  /// The instant.
  public var instant: Date

  /// Creates a bound.
  public init(text: String, instant: Date) {
    self.text = text
    self.instant = instant
  }

  /// Whether the text is a plain date (`2026-12-05`), which a date field can show.
  public var isDate: Bool { text.utf8.count == 10 }
}

/// The Initiator filter's value: one person, or runs nobody requested.
public enum InitiatorChoice: Sendable, Equatable {
  /// Runs this user requested.
  case user(Int64)
  /// Runs a system started (no person).
  case system

  /// The `initiator` parameter value.
  public var parameter: String {
    switch self {
    case .user(let id): String(id)
    case .system: "system"
    }
  }
}

/// A person the Initiator filter offers.
public struct PersonOption: Sendable, Equatable {
  /// User id (the `initiator` value).
  public var id: Int64
  /// Display name.
  public var name: String

  /// Creates an option.
  public init(id: Int64, name: String) {
    self.id = id
    self.name = name
  }
}

/// Aggregate counts shown at the top of the index; each links to the filter that lists those runs.
public struct OperationsCounts: Sendable, Equatable {
  /// Active runs within their window (freshness `fresh_active`).
  public var active: Int
  /// Runs that are likely stale now (freshness `likely_stale`).
  public var likelyStale: Int
  /// Runs reconciled as failed in the last 24 hours, counted from the start of that hour (`reconciledSince`).
  public var reconciledLast24Hours: Int
  /// Where the reconciled count starts; its link lists exactly the runs reconciled since then.
  public var reconciledSince: Date

  /// Creates the counts.
  public init(active: Int, likelyStale: Int, reconciledLast24Hours: Int, reconciledSince: Date) {
    self.active = active
    self.likelyStale = likelyStale
    self.reconciledLast24Hours = reconciledLast24Hours
    self.reconciledSince = reconciledSince
  }
}

/// A tenant offered in the tenant filter.
public struct TenantOption: Sendable, Equatable {
  /// Tenant id (the `tenant` parameter value).
  public var id: Int64
  /// Display name.
  public var name: String

  /// Creates a tenant option.
  public init(id: Int64, name: String) {
    self.id = id
    self.name = name
  }
}

/// Everything the Operations index shows.
public struct OperationsIndexView: Sendable, Equatable {
  /// Counts at the top.
  public var counts: OperationsCounts
  /// The filters applied.
  public var filters: RunFilterSelection
  /// Operation type codes offered in the type filter (labels are derived).
  public var typeOptions: [String]
  /// Tenants offered in the tenant filter (only those the user is entitled to).
  public var tenantOptions: [TenantOption]
  /// The rows of this page, newest first.
  public var rows: [RunRow]
  /// Cursors to neighbouring pages.
  public var page: KeysetPage
  /// The clock reading used for relative times and durations.
  public var now: Date
  /// People offered in the Initiator filter.
  public var initiatorOptions: [PersonOption]
  /// Which page this is (1 = newest), when known: the `page` parameter the pager links carry.
  public var pageNumber: Int?

  /// Creates the view.
  public init(
    counts: OperationsCounts, filters: RunFilterSelection, typeOptions: [String],
    tenantOptions: [TenantOption],
    rows: [RunRow], page: KeysetPage, now: Date, initiatorOptions: [PersonOption] = [], pageNumber: Int? = 1
  ) {
    self.initiatorOptions = initiatorOptions
    self.pageNumber = pageNumber
    self.counts = counts
    self.filters = filters
    self.typeOptions = typeOptions
    self.tenantOptions = tenantOptions
    self.rows = rows
    self.page = page
    self.now = now
  }
}

/// `GET /operations`.
public enum OperationsIndexPage {
  /// The whole document.
  public static func render(_ view: OperationsIndexView, chrome: PageChrome) -> HTML {
    document(content: content(view), chrome: chrome)
  }

  /// The document around already rendered `content` (which does not depend on the viewer's chrome, so the
  /// web layer may keep it for a moment and serve it to every viewer with the same scope).
  public static func document(content: HTML, chrome: PageChrome) -> HTML {
    Layout.document(title: "Operations", chrome: chrome.in(.operations), main: content)
  }

  /// "Find run": a run number as the pages write it (`245` or `#245`) opens that run's page; words search the
  /// runs (type, tenant, who requested it, context, failure messages, worker).
  static func findForm(_ search: String?) -> HTML {
    """
    <form class="find-run" method="get" action="/operations" role="search">
    <label for="find-run">Find run</label>
    <input id="find-run" name="q" type="search" placeholder="#245 or words" required maxlength="200" \
    value="\(search ?? "")" title="A run number (245 or #245), or words such as a tenant, a type or an error">
    <button type="submit" class="button button--quiet">Find</button>
    </form>
    """
  }

  /// Everything inside `<main>`.
  public static func content(_ view: OperationsIndexView) -> HTML {
    """
    <div class="page-head">
    <h1>Operations</h1>
    \(findForm(view.filters.search))
    <div class="live-status" data-live-status></div>
    </div>
    \(countsBlock(view.counts))
    \(RunFilterForm.render(view))
    <div data-live="index" data-live-active>
    \(HTML.when(!view.rows.isEmpty) { position(view) })
    \(view.rows.isEmpty ? emptyState(view) : table(view))
    \(Pagination.render(view.page, path: "/operations", base: view.filters.query, pageNumber: view.pageNumber))
    </div>
    """
  }

  /// Where this page sits in the list: "Runs 51–100, newest first", with the date jumped to if any.
  static func position(_ view: OperationsIndexView) -> HTML {
    let before = HTML.unwrap(view.filters.createdBefore) { bound in
      " created before \(TimeElement.absolute(bound.instant))"
    }
    guard let number = view.pageNumber else {
      return "<p class=\"list-position\">Older runs\(before), newest first</p>"
    }
    let first = (number - 1) * OperationsIndexPage.pageSize + 1
    let last = first + view.rows.count - 1
    return
      "<p class=\"list-position\">Runs \(ProgressBar.grouped(Int64(first)))–\(ProgressBar.grouped(Int64(last)))\(before), newest first</p>"
  }

  /// Runs per page (the pager's arithmetic; the handler asks the store for as many).
  public static let pageSize = 50

  private static func countsBlock(_ counts: OperationsCounts) -> HTML {
    func tile(_ count: Int, _ label: String, _ freshness: Freshness, since: Date? = nil) -> HTML {
      let query = RunFilterSelection(freshness: freshness, reconciledSince: since).query
      return """
        <li><a class="count-tile count-tile--\(freshness)" href="\(query.url(path: "/operations"))">\
        <span class="count-tile__number">\(count)</span> \(Badge.freshness(freshness))\
        <span class="count-tile__label">\(label)</span></a></li>
        """
    }
    return """
      <ul class="count-tiles" aria-label="Summary" data-live-part="counts">
      \(tile(counts.active, "active now", .freshActive))
      \(tile(counts.likelyStale, "likely stale now", .likelyStale))
      \(tile(counts.reconciledLast24Hours, "reconciled in the last 24 h", .reconciledFailed,
        since: counts.reconciledSince))
      </ul>
      """
  }

  /// Column titles, shared by the header row and the cells' `data-label`s (the labels of the phone cards).
  enum Column {
    static let run = "Run"
    static let tenant = "Tenant"
    static let state = "State"
    static let initiator = "Initiator"
    static let created = "Created"
    static let duration = "Duration"
    static let progress = "Progress"
  }

  private static func table(_ view: OperationsIndexView) -> HTML {
    let columns = [
      Column.run, Column.tenant, Column.state, Column.initiator, Column.created, Column.duration,
      Column.progress,
    ].map { Table.Column($0) }
    return Table.render(
      caption: "Runs, newest first", columns: columns,
      rows: HTML.each(view.rows, separator: "\n") { row(for: $0, now: view.now) },
      cssClass: "data-table data-table--cards")
  }

  /// One `<tr data-run-id data-freshness>`. On a phone `app.css` shows it as a card: the run and its state
  /// first, then the cells labelled by their `data-label`; the state and initiator cells carry a class for that.
  static func row(for row: RunRow, now: Date) -> HTML {
    let label = OperationTypeLabel.label(for: row.type)
    let duration = DurationComparison.parts(
      status: row.status, createdAt: row.createdAt, startedAt: row.startedAt, completedAt: row.completedAt,
      lastReportAt: row.lastHeartbeatAt, reconciledAs: row.reconciliationReason,
      expectedRuntimeSeconds: row.expectedRuntimeSeconds, now: now)
    let progress = HTML.unwrap(row.progress, otherwise: "<span class=\"muted\">—</span>") {
      ProgressBar.render(processed: $0.processed, total: $0.total, label: "Progress of run \(row.id)")
    }
    return """
      <tr data-run-id="\(row.id)" data-freshness="\(row.freshness)">\
      <th scope="row"><a href="/operations/\(row.id)">\(label) <span class="run-id">#\(row.id)</span></a></th>\
      <td data-label="\(Column.tenant)">\(row.tenantName ?? "Workspace-level")</td>\
      <td class="run-state">\(Badge.state(status: row.status, outcome: row.outcome, freshness: row.freshness))</td>\
      <td class="run-initiator" data-label="\(Column.initiator)">\(row.initiatorName ?? "System")</td>\
      <td data-label="\(Column.created)">\(TimeElement.relative(row.createdAt, now: now))</td>\
      <td class="duration" data-label="\(Column.duration)">\(duration.elapsed)\(HTML.unwrap(duration.overrun) {
        "<span class=\"duration__overrun\"><span aria-hidden=\"true\">▲</span> \($0)</span>"
      })\(HTML.unwrap(duration.silence) { "<span class=\"duration__note\">\($0)</span>" })</td>\
      <td data-label="\(Column.progress)">\(progress)</td></tr>
      """
  }

  private static func emptyState(_ view: OperationsIndexView) -> HTML {
    EmptyState.render(
      noun: "runs", filters: RunFilterForm.appliedFilters(view),
      emptyMessage: "No runs yet in this workspace. Runs appear here as soon as a worker creates one.",
      clearHref: "/operations")
  }
}
