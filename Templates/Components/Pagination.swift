/// Keyset pagination: "Newer" and "Older" links that carry an opaque cursor instead of an offset, so pages
/// stay stable while new rows arrive. The data layer decides what a cursor holds; templates only pass it on.
public struct KeysetPage: Sendable, Equatable {
  /// Query parameter holding the cursor for the page of older rows (rows before the cursor).
  public static let olderParameter = "before"
  /// Query parameter holding the cursor for the page of newer rows (rows after the cursor).
  public static let newerParameter = "after"
  /// Query parameter holding the page's position (1 = newest), for "Runs 51–100"; display only.
  public static let pageParameter = "page"

  /// Cursor for the next page of newer rows; `nil` on the newest page.
  public var newerCursor: String?
  /// Cursor for the next page of older rows; `nil` on the oldest page.
  public var olderCursor: String?

  /// Creates the cursors of one page.
  public init(newerCursor: String? = nil, olderCursor: String? = nil) {
    self.newerCursor = newerCursor
    self.olderCursor = olderCursor
  }

  /// A page with no neighbours.
  public static let single = KeysetPage()
}

/// Renders ``KeysetPage`` links.
public enum Pagination {
  /// `<nav aria-label="Pagination">` with Newer/Older links built from `path` and `base` (the current
  /// filters, without any cursor). A missing neighbour is shown as plain muted text, not a dead link.
  ///
  /// With `pageNumber` (the page's position, 1 = newest), the links carry `page` so the next page can say
  /// where it is ("Runs 51–100").
  public static func render(_ page: KeysetPage, path: String, base: QueryString, pageNumber: Int? = nil)
    -> HTML
  {
    let clean = base.removing(KeysetPage.olderParameter, KeysetPage.newerParameter, KeysetPage.pageParameter)
    let newerBase =
      pageNumber.map { clean.setting(KeysetPage.pageParameter, to: String(max(1, $0 - 1))) } ?? clean
    let olderBase = pageNumber.map { clean.setting(KeysetPage.pageParameter, to: String($0 + 1)) } ?? clean
    let newer = HTML.unwrap(
      page.newerCursor, otherwise: "<span class=\"pagination__off\">← Newer</span>"
    ) { cursor in
      let href = newerBase.setting(KeysetPage.newerParameter, to: cursor).url(path: path)
      return "<a class=\"pagination__link\" rel=\"prev\" href=\"\(href)\">← Newer</a>"
    }
    let older = HTML.unwrap(
      page.olderCursor, otherwise: "<span class=\"pagination__off\">Older →</span>"
    ) { cursor in
      let href = olderBase.setting(KeysetPage.olderParameter, to: cursor).url(path: path)
      return "<a class=\"pagination__link\" rel=\"next\" href=\"\(href)\">Older →</a>"
    }
    if page.newerCursor == nil && page.olderCursor == nil { return .empty }
    return "<nav class=\"pagination\" aria-label=\"Pagination\">\(newer) \(older)</nav>"
  }
}

/// What to say when a list is empty.
public enum EmptyState {
  /// A filter that was applied, in words: `("Freshness", "Likely stale")`.
  public struct AppliedFilter: Sendable, Equatable {
    /// Filter name as shown on the form label.
    public var name: String
    /// Selected value as shown in the select.
    public var value: String

    /// Creates an applied-filter description.
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// "No runs match Freshness “Likely stale” and Tenant “Contoso”." with a link that clears the filters;
  /// or `emptyMessage` when nothing was filtered.
  public static func render(
    noun: String, filters: [AppliedFilter], emptyMessage: String, clearHref: String
  ) -> HTML {
    guard !filters.isEmpty else {
      return "<div class=\"empty-state\" role=\"status\"><p>\(emptyMessage)</p></div>"
    }
    return """
      <div class="empty-state" role="status">
      <p>No \(noun) match \(sentence(for: filters)).</p>
      <p><a href="\(clearHref)">Clear all filters</a></p>
      </div>
      """
  }

  /// `Freshness “Likely stale”, Status “Running” and Tenant “Contoso”` (escaped when interpolated).
  public static func sentence(for filters: [AppliedFilter]) -> String {
    let parts = filters.map { "\($0.name) “\($0.value)”" }
    guard parts.count > 1 else { return parts.first ?? "" }
    return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
  }
}
