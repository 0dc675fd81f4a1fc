import RunwatchCore

/// The GET filter form of the Operations index: one labelled select per filter, keeping the selected values.
enum RunFilterForm {
  static func render(_ view: OperationsIndexView) -> HTML {
    let filters = view.filters
    return """
      \(disclosureStart(applied: appliedFilters(view).count))
      <form class="filters" method="get" action="/operations" aria-label="Filter runs">
      \(select("freshness", "Freshness", selected: filters.freshness?.rawValue,
        options: Freshness.allCases.map { ($0.rawValue, Badge.label(for: $0)) }))
      \(select("status", "Status", selected: filters.status?.rawValue,
        options: RunStatus.allCases.map { ($0.rawValue, Badge.label(for: $0)) }))
      \(select("outcome", "Outcome", selected: filters.outcome?.rawValue,
        options: RunOutcome.allCases.map { ($0.rawValue, Badge.label(for: $0)) }))
      \(select("type", "Type", selected: filters.type,
        options: typeOptions(view).map { ($0, OperationTypeLabel.label(for: $0)) }))
      \(select("tenant", "Tenant", selected: filters.tenantID.map(String.init),
        options: view.tenantOptions.map { (String($0.id), $0.name) }))
      \(HTML.unwrap(filters.reconciledSince) { since in
        """
        <p class="filters__since">Reconciled since \(TimeElement.absolute(since)) \
        <a href="\(filters.query.removing(RunFilterSelection.reconciledSinceParameter).url(path: "/operations"))">\
        Any time</a>\
        <input type="hidden" name="\(RunFilterSelection.reconciledSinceParameter)" value="\(RFC3339.string(from: since))"></p>
        """
      })
      \(HTML.unwrap(filters.finishedSince) { since in
        """
        <p class="filters__since">Finished since \(TimeElement.absolute(since)) \
        <a href="\(filters.query.removing(RunFilterSelection.finishedSinceParameter).url(path: "/operations"))">\
        Any time</a>\
        <input type="hidden" name="\(RunFilterSelection.finishedSinceParameter)" value="\(RFC3339.string(from: since))"></p>
        """
      })
      \(HTML.unwrap(filters.reason) { reason in
        """
        <p class="filters__since">Reconciled as: \(ReasonCatalog.describe(reason).label) \
        <a href="\(filters.query.removing(RunFilterSelection.reasonParameter).url(path: "/operations"))">\
        Any reason</a>\
        <input type="hidden" name="\(RunFilterSelection.reasonParameter)" value="\(reason.rawValue)"></p>
        """
      })
      <div class="filters__actions">
      <button type="submit" class="button">Apply filters</button>
      <a href="/operations" class="button button--quiet">Clear</a>
      </div>
      </form>
      </details>
      """
  }

  /// Applied filters in words, for the empty state.
  static func appliedFilters(_ view: OperationsIndexView) -> [EmptyState.AppliedFilter] {
    let filters = view.filters
    var applied: [EmptyState.AppliedFilter] = []
    if let freshness = filters.freshness {
      applied.append(.init(name: "Freshness", value: Badge.label(for: freshness)))
    }
    if let status = filters.status { applied.append(.init(name: "Status", value: Badge.label(for: status))) }
    if let outcome = filters.outcome {
      applied.append(.init(name: "Outcome", value: Badge.label(for: outcome)))
    }
    if let type = filters.type {
      applied.append(.init(name: "Type", value: OperationTypeLabel.label(for: type)))
    }
    if let tenantID = filters.tenantID {
      let name = view.tenantOptions.first { $0.id == tenantID }?.name ?? "#\(tenantID)"
      applied.append(.init(name: "Tenant", value: name))
    }
    if let since = filters.reconciledSince {
      applied.append(.init(name: "Reconciled since", value: TimeText.absoluteUTC(since)))
    }
    if let since = filters.finishedSince {
      applied.append(.init(name: "Finished since", value: TimeText.absoluteUTC(since)))
    }
    if let reason = filters.reason {
      applied.append(.init(name: "Reconciled as", value: ReasonCatalog.describe(reason).label))
    }
    return applied
  }

  /// The offered types, plus the selected one when it is not among them (so the form keeps its value).
  private static func typeOptions(_ view: OperationsIndexView) -> [String] {
    guard let selected = view.filters.type, !view.typeOptions.contains(selected) else {
      return view.typeOptions
    }
    return view.typeOptions + [selected]
  }

  /// A labelled select with an "Any" choice (empty value, which the router treats as no filter) unless
  /// `allowsAny` is false.
  static func select(
    _ name: String, _ label: String, selected: String?, options: [(String, String)], allowsAny: Bool = true
  ) -> HTML {
    """
    <div class="field">
    <label for="filter-\(name)">\(label)</label>
    <select id="filter-\(name)" name="\(name)">
    \(HTML.when(allowsAny) { "<option value=\"\"\(HTML.attribute("selected", if: selected == nil))>Any</option>" })
    \(HTML.each(options) { option in
      "<option value=\"\(option.0)\"\(HTML.attribute("selected", if: option.0 == selected))>\(option.1)</option>"
    })
    </select>
    </div>
    """
  }
}
