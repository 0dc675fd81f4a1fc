import Foundation
import RunwatchCore

/// A small server-rendered SVG of one type's finished runs per bar (hour or day): succeeded, failed,
/// reconciled and other stacked from the bottom. Colours come from the stylesheet (`.chart__*`), so both
/// colour schemes apply, and every part also has a `<title>`; the same figures are in a table beside it.
enum InsightsChart {
  static let barWidth = 12
  static let gap = 3
  static let height = 80

  static func render(_ row: TypeInsightsRow, view: InsightsView, titleID: String) -> HTML {
    let peak = max(1, row.series.map(\.finished).max() ?? 0)
    let width = row.series.count * (barWidth + gap) - gap
    let bars = HTML.each(row.series.indices) { index in
      bar(row.series[index], at: index, peak: peak, start: view.start(ofBar: index), period: view.period)
    }
    let label =
      "\(OperationTypeLabel.label(for: row.type)): finished runs \(view.period.perBucket), \(view.period.label.lowercased()). The table below has the same figures."
    return """
      <svg class="chart" viewBox="0 0 \(width) \(height)" preserveAspectRatio="none" role="img" \
      aria-labelledby="\(titleID)"><title id="\(titleID)">\(label)</title>\
      <line class="chart__axis" x1="0" y1="\(height)" x2="\(width)" y2="\(height)"></line>\(bars)</svg>
      <p class="chart__ends" aria-hidden="true"><span>\(barLabel(view.start(ofBar: 0), period: view.period))</span>\
      <span>now</span></p>
      """
  }

  /// One stacked bar; empty parts are left out.
  private static func bar(
    _ counts: FinishedCounts, at index: Int, peak: Int64, start: Date, period: InsightsPeriod
  ) -> HTML {
    let x = index * (barWidth + gap)
    var top = height
    var parts: [HTML] = []
    let stack: [(Int64, String, String)] = [
      (counts.succeeded, "succeeded", "succeeded"), (counts.failed, "failed", "failed"),
      (counts.reconciled, "reconciled", "reconciled"), (counts.other, "other", "other"),
    ]
    for (runs, part, words) in stack where runs > 0 {
      let partHeight = max(1, Int((Double(runs) / Double(peak) * Double(height)).rounded()))
      top -= partHeight
      parts.append(
        """
        <rect class="chart__\(part)" x="\(x)" y="\(max(0, top))" width="\(barWidth)" height="\(partHeight)">\
        <title>\(barLabel(start, period: period)): \(ProgressBar.grouped(runs)) \(words)</title></rect>
        """)
    }
    return HTML.joined(parts)
  }

  /// `14:00` for an hourly bar, `2026-12-06` for a daily one (UTC).
  static func barLabel(_ start: Date, period: InsightsPeriod) -> String {
    period == .day
      ? UTCDateTime(start).formattedHourAndMinute(suffix: " UTC")
      : String(UTCDateTime(start).formatted(separator: " ", suffix: "").prefix(10))
  }
}
