import Foundation
import RunwatchCore

/// The period the insights page covers: the last 24 hours in hourly bars, or the last 7 or 30 days in daily
/// bars. The raw values are the `range` parameter.
public enum InsightsPeriod: String, Sendable, CaseIterable {
  case day = "24h"
  case week = "7d"
  case month = "30d"

  /// Words for the period select.
  public var label: String {
    switch self {
    case .day: "Last 24 hours"
    case .week: "Last 7 days"
    case .month: "Last 30 days"
    }
  }

  /// Length of one bar, in seconds.
  public var bucketSeconds: Int64 { self == .day ? 3_600 : 86_400 }

  /// Number of bars; the last one holds now.
  public var buckets: Int {
    switch self {
    case .day: 24
    case .week: 7
    case .month: 30
    }
  }

  /// What one bar is, in words ("per hour", "per day").
  var perBucket: String { self == .day ? "per hour" : "per day" }
}

/// How the runs of a type (or of one bar) finished. The four parts add up to `finished`.
public struct FinishedCounts: Sendable, Equatable {
  /// Outcome succeeded.
  public var succeeded: Int64
  /// Failed as reported by the worker.
  public var failed: Int64
  /// Failed by reconciliation.
  public var reconciled: Int64
  /// Partially succeeded, blocked, cancelled, or completed by a linked record.
  public var other: Int64

  /// Creates counts.
  public init(succeeded: Int64 = 0, failed: Int64 = 0, reconciled: Int64 = 0, other: Int64 = 0) {
    self.succeeded = succeeded
    self.failed = failed
    self.reconciled = reconciled
    self.other = other
  }

  /// Every finished run.
  public var finished: Int64 { succeeded + failed + reconciled + other }
}

/// One operation type on the insights page.
public struct TypeInsightsRow: Sendable, Equatable {
  /// The operation type.
  public var type: String
  /// The whole period.
  public var total: FinishedCounts
  /// One entry per bar, oldest first.
  public var series: [FinishedCounts]
  /// Reconciliations by reason, most first.
  public var reasons: [(code: ReasonCode, runs: Int64)]
  /// Median and 95th percentile duration of runs their worker finished, in seconds.
  public var p50Seconds: Double?
  /// 95th percentile.
  public var p95Seconds: Double?
  /// Active runs that are likely stale now.
  public var staleNow: Int64

  /// Creates a row.
  public init(
    type: String, total: FinishedCounts, series: [FinishedCounts], reasons: [(code: ReasonCode, runs: Int64)],
    p50Seconds: Double?, p95Seconds: Double?, staleNow: Int64
  ) {
    self.type = type
    self.total = total
    self.series = series
    self.reasons = reasons
    self.p50Seconds = p50Seconds
    self.p95Seconds = p95Seconds
    self.staleNow = staleNow
  }

  public static func == (left: TypeInsightsRow, right: TypeInsightsRow) -> Bool {
    left.type == right.type && left.total == right.total && left.series == right.series
      && left.reasons.map(\.code) == right.reasons.map(\.code)
      && left.reasons.map(\.runs) == right.reasons.map(\.runs)
      && left.p50Seconds == right.p50Seconds && left.p95Seconds == right.p95Seconds
      && left.staleNow == right.staleNow
  }
}

/// Everything the insights page shows.
public struct InsightsView: Sendable, Equatable {
  /// The period shown.
  public var period: InsightsPeriod
  /// Start of the first bar (the links list runs finished since then).
  public var since: Date
  /// The selected tenant, if any.
  public var tenantID: Int64?
  /// Tenants the viewer may pick.
  public var tenantOptions: [TenantOption]
  /// One entry per type.
  public var types: [TypeInsightsRow]

  /// Creates the view.
  public init(
    period: InsightsPeriod, since: Date, tenantID: Int64?, tenantOptions: [TenantOption],
    types: [TypeInsightsRow]
  ) {
    self.period = period
    self.since = since
    self.tenantID = tenantID
    self.tenantOptions = tenantOptions
    self.types = types
  }

  /// Start of bar `index`.
  func start(ofBar index: Int) -> Date {
    since.addingTimeInterval(TimeInterval(Int64(index) * period.bucketSeconds))
  }
}
