import Foundation
import RunwatchCore

/// `<time>` elements: relative words for reading, RFC 3339 for machines, absolute UTC in the tooltip.
/// `app.js` may replace the tooltip with the reader's local time; without JS the UTC tooltip stays.
public enum TimeElement {
  /// `<time datetime="2026-11-22T10:00:00Z" title="2026-11-22 10:00:00 UTC">3 min ago</time>`.
  public static func relative(_ date: Date, now: Date) -> HTML {
    """
    <time datetime="\(RFC3339.string(from: date))" title="\(TimeText.absoluteUTC(date))">\
    \(TimeText.relative(date, now: now))</time>
    """
  }

  /// `<time datetime="…">2026-11-22 10:00:00 UTC</time>`, for timelines where the exact instant matters.
  public static func absolute(_ date: Date) -> HTML {
    """
    <time datetime="\(RFC3339.string(from: date))" title="\(TimeText.absoluteUTC(date))">\
    \(TimeText.absoluteUTC(date))</time>
    """
  }
}
