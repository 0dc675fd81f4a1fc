/// A data table inside a focusable scroll region, so wide tables scroll sideways on phones and keyboard
/// users can scroll them too.
public enum Table {
  /// One column header.
  public struct Column: Sendable, Equatable {
    /// Header text.
    public var title: String
    /// Extra CSS class for the `<th>` (for example `numeric`).
    public var cssClass: String?

    /// Creates a column header.
    public init(_ title: String, cssClass: String? = nil) {
      self.title = title
      self.cssClass = cssClass
    }
  }

  /// `<table>` with a caption, column headers and the given body rows (`<tr>` elements).
  public static func render(caption: String, columns: [Column], rows: HTML, cssClass: String = "data-table")
    -> HTML
  {
    """
    <div class="table-scroll" role="region" aria-label="\(caption)" tabindex="0">
    <table class="\(cssClass)">
    <caption>\(caption)</caption>
    <thead><tr>\(HTML.each(columns) { column in
      "<th scope=\"col\"\(HTML.unwrap(column.cssClass) { " class=\"\($0)\"" })>\(column.title)</th>"
    })</tr></thead>
    <tbody>
    \(rows)
    </tbody>
    </table>
    </div>
    """
  }
}
