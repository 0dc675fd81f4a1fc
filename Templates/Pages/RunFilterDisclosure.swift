extension RunFilterForm {
  /// `<details class="filters-disclosure" open><summary>Filters (2)</summary>`: on a phone the form folds away
  /// behind its summary (hidden on wider screens by `app.css`). Always open in the markup, so without
  /// JavaScript the form is simply there; `app.js` folds it on load on a phone when no filter is applied.
  static func disclosureStart(applied: Int) -> HTML {
    """
    <details class="filters-disclosure" open data-applied-filters="\(applied)">\
    <summary>Filters\(HTML.when(applied > 0) {
      " <span class=\"filters-disclosure__count\">(\(applied)<span class=\"visually-hidden\"> applied</span>)</span>"
    })</summary>
    """
  }
}
