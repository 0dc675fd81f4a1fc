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
      \(select(RunFilterSelection.initiatorParameter, "Requested by", selected: filters.initiator?.parameter,
        options: initiatorOptions(view)))
      \(select(RunFilterSelection.createdAfterParameter, "Created", selected: filters.createdAfter?.text,
        options: createdOptions(filters)))
      \(createdBeforeField(filters))
      \(HTML.unwrap(filters.search) { text in
        """
        <p class="filters__since">Matching “\(text)” \
        <a href="\(filters.query.removing(RunFilterSelection.searchParameter).url(path: "/operations"))">\
        Clear search</a>\
        <input type="hidden" name="\(RunFilterSelection.searchParameter)" value="\(text)"></p>
        """
      })
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
    if let initiator = filters.initiator {
      let name: String
      switch initiator {
      case .system: name = "System (no person)"
      case .user(let id): name = view.initiatorOptions.first { $0.id == id }?.name ?? "User #\(id)"
      }
      applied.append(.init(name: "Requested by", value: name))
    }
    if let after = filters.createdAfter {
      let quick = RunFilterSelection.quickRanges.first { $0.0 == after.text }?.1
      applied.append(.init(name: "Created", value: quick ?? "since \(TimeText.absoluteUTC(after.instant))"))
    }
    if let before = filters.createdBefore {
      applied.append(.init(name: "Created before", value: TimeText.absoluteUTC(before.instant)))
    }
    if let search = filters.search { applied.append(.init(name: "Matching", value: "“\(search)”")) }
    return applied
  }

  /// System first, then the workspace's members, plus a selected person who is not among them.
  private static func initiatorOptions(_ view: OperationsIndexView) -> [(String, String)] {
    var options = [("system", "System (no person)")] + view.initiatorOptions.map { (String($0.id), $0.name) }
    if case .user(let id)? = view.filters.initiator, !view.initiatorOptions.contains(where: { $0.id == id }) {
      options.append((String(id), "User #\(id)"))
    }
    return options
  }

  /// The quick ranges, plus the current value when it is a date or an instant (so the form keeps it).
  private static func createdOptions(_ filters: RunFilterSelection) -> [(String, String)] {
    var options = RunFilterSelection.quickRanges
    if let bound = filters.createdAfter, !options.contains(where: { $0.0 == bound.text }) {
      options.append((bound.text, "Since \(TimeText.absoluteUTC(bound.instant))"))
    }
    return options
  }

  /// "Created on or before" (jump to date): a date field; an instant from a link is kept as a hidden field
  /// with words and a way to drop it.
  private static func createdBeforeField(_ filters: RunFilterSelection) -> HTML {
    let name = RunFilterSelection.createdBeforeParameter
    if let bound = filters.createdBefore, !bound.isDate {
      return """
        <p class="filters__since">Created before \(TimeElement.absolute(bound.instant)) \
        <a href="\(filters.query.removing(name).url(path: "/operations"))">Any time</a>\
        <input type="hidden" name="\(name)" value="\(bound.text)"></p>
        """
    }
    return """
      <div class="field">
      <label for="filter-\(name)">Created on or before</label>
      <input id="filter-\(name)" name="\(name)" type="date" value="\(filters.createdBefore?.text ?? "")">
      </div>
      """
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
