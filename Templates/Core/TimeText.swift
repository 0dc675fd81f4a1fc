import Foundation
import RunwatchCore

/// Words for instants and durations. Pure functions of their inputs: `now` is always passed in, so pages
/// render the same bytes for the same clock and tests never sleep.
public enum TimeText {
  /// Absolute UTC for tooltips and timelines: `2026-11-22 10:04:05 UTC`.
  public static func absoluteUTC(_ date: Date) -> String {
    UTCDateTime(date).formatted(separator: " ", suffix: " UTC")
  }

  /// Hours and minutes in UTC: `14:05 UTC` (sign-in throttling tells the user when to come back).
  public static func clockUTC(_ date: Date) -> String {
    UTCDateTime(date).formattedHourAndMinute(suffix: " UTC")
  }

  /// `just now`, `3 min ago`, `2 h ago`, `5 d ago`, or `in 4 min` for instants after `now`.
  public static func relative(_ date: Date, now: Date) -> String {
    let seconds = Int(now.timeIntervalSince(date).rounded())
    if abs(seconds) < 45 { return "just now" }
    let span = compactSpan(abs(seconds))
    return seconds > 0 ? "\(span) ago" : "in \(span)"
  }

  /// A duration in the largest two useful units: `45 s`, `4 min 12 s`, `2 h 5 min`, `3 d 4 h`.
  public static func duration(seconds: Int) -> String {
    let seconds = max(0, seconds)
    switch seconds {
    case ..<60: return "\(seconds) s"
    case ..<3600: return join(seconds / 60, "min", seconds % 60, "s")
    case ..<86_400: return join(seconds / 3600, "h", seconds % 3600 / 60, "min")
    default: return join(seconds / 86_400, "d", seconds % 86_400 / 3600, "h")
    }
  }

  private static func compactSpan(_ seconds: Int) -> String {
    switch seconds {
    case ..<90: return "1 min"
    case ..<3600: return "\((seconds + 30) / 60) min"
    case ..<86_400: return "\((seconds + 1800) / 3600) h"
    default: return "\((seconds + 43_200) / 86_400) d"
    }
  }

  private static func join(_ major: Int, _ majorUnit: String, _ minor: Int, _ minorUnit: String) -> String {
    minor == 0 ? "\(major) \(majorUnit)" : "\(major) \(majorUnit) \(minor) \(minorUnit)"
  }
}

/// How long a run has taken compared with its type's expected runtime, in operator words.
public enum DurationComparison {
  /// Overrun factors above this are written as "over 100×": past it the exact number says nothing more.
  static let largestFactor = 100

  /// `queued 3 min`, `running 12 min · running 4× longer than expected`, `took 2 min 5 s`, and for a run that
  /// was reconciled `abandoned after 4 min · no report for 20 min`.
  public static func describe(
    status: RunStatus, createdAt: Date, startedAt: Date?, completedAt: Date?, lastReportAt: Date? = nil,
    reconciledAs reason: ReasonCode? = nil, expectedRuntimeSeconds: Int?, now: Date
  ) -> String {
    let parts = parts(
      status: status, createdAt: createdAt, startedAt: startedAt, completedAt: completedAt,
      lastReportAt: lastReportAt, reconciledAs: reason, expectedRuntimeSeconds: expectedRuntimeSeconds,
      now: now)
    return [parts.elapsed, parts.overrun ?? parts.silence].compactMap { $0 }.joined(separator: " · ")
  }

  /// The elapsed time (`running 12 min`) and, separately, the overrun note (`running 4× longer than
  /// expected`) so tables can put the note on its own line, and for a reconciled run how long it went without
  /// a report before it was reconciled (`no report for 20 min`).
  ///
  /// Queued runs count from creation; running and completed runs from `startedAt` (falling back to
  /// `createdAt`, as freshness does). A comparison is added only when the run is at least twice its
  /// expected runtime, because smaller overruns are normal noise and would train people to ignore it.
  /// A reconciled run did not "take" the time until its reconciliation, and was not slow: it stopped. So it
  /// reads `abandoned after` (start to last report), `never started` (stale while queued) or `ended after`
  /// (the queue's or a linked record's word), never with an overrun note.
  public static func parts(
    status: RunStatus, createdAt: Date, startedAt: Date?, completedAt: Date?, lastReportAt: Date? = nil,
    reconciledAs reason: ReasonCode? = nil, expectedRuntimeSeconds: Int?, now: Date
  ) -> (elapsed: String, overrun: String?, silence: String?) {
    let begin = startedAt ?? createdAt
    switch status {
    case .queued:
      return ("queued \(TimeText.duration(seconds: Int(now.timeIntervalSince(createdAt))))", nil, nil)
    case .running:
      let elapsed = Int(now.timeIntervalSince(begin))
      let factor = overrun(elapsed: elapsed, expected: expectedRuntimeSeconds)
      return (
        "running \(TimeText.duration(seconds: elapsed))", factor.map { "running \($0) longer than expected" },
        nil
      )
    case .completed:
      let end = completedAt ?? now
      guard let reason else {
        let elapsed = Int(end.timeIntervalSince(begin))
        let factor = overrun(elapsed: elapsed, expected: expectedRuntimeSeconds)
        return (
          "took \(TimeText.duration(seconds: elapsed))", factor.map { "\($0) longer than expected" }, nil
        )
      }
      switch reason {
      case .staleQueued,
        .resolvedByOperator where startedAt == nil:
        return (
          "never started", nil, "waited \(TimeText.duration(seconds: Int(end.timeIntervalSince(createdAt))))"
        )
      case .staleRunning, .infrastructureTimeoutOrAbandonment, .resolvedByOperator:
        let lastReport = max(lastReportAt ?? begin, begin)
        return (
          "abandoned after \(TimeText.duration(seconds: Int(lastReport.timeIntervalSince(begin))))", nil,
          "no report for \(TimeText.duration(seconds: Int(end.timeIntervalSince(lastReport))))"
        )
      case .queueFailureBridge, .adapterOutOfSync:
        return ("ended after \(TimeText.duration(seconds: Int(end.timeIntervalSince(begin))))", nil, nil)
      }
    }
  }

  /// The overrun factor in words (`4×`, `over 100×`) when `elapsed` is at least twice `expected`.
  static func overrun(elapsed: Int, expected: Int?) -> String? {
    guard let expected, expected > 0, elapsed >= expected * 2 else { return nil }
    let factor = elapsed / expected
    return factor > largestFactor ? "over \(largestFactor)×" : "\(factor)×"
  }
}
