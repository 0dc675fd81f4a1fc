import Foundation
import RunwatchCore

/// One row of the Operations index: a run plus the names and policy numbers the page shows beside it.
public struct RunRow: Sendable, Equatable {
  /// Run id.
  public var id: Int64
  /// Operation type code (`policy.sync`); the page shows its label.
  public var type: String
  /// Tenant name; `nil` for workspace-level runs.
  public var tenantName: String?
  /// Lifecycle status.
  public var status: RunStatus
  /// Outcome.
  public var outcome: RunOutcome
  /// Freshness at the time the page is rendered.
  public var freshness: Freshness
  /// Initiator's display name; `nil` for system runs.
  public var initiatorName: String?
  /// When it was queued.
  public var createdAt: Date
  /// When a worker started it.
  public var startedAt: Date?
  /// When it completed.
  public var completedAt: Date?
  /// Its last progress report.
  public var lastHeartbeatAt: Date?
  /// Why it was reconciled, when something other than its worker completed it.
  public var reconciliationReason: ReasonCode?
  /// The type's expected runtime from the lifecycle policy; `nil` when the type is not covered.
  public var expectedRuntimeSeconds: Int?
  /// Reported counts; `processed` and `total` drive the progress bar.
  public var summaryCounts: [String: Int64]

  /// Creates a row from its parts.
  public init(
    id: Int64, type: String, tenantName: String?, status: RunStatus, outcome: RunOutcome,
    freshness: Freshness,
    initiatorName: String?, createdAt: Date, startedAt: Date? = nil, completedAt: Date? = nil,
    expectedRuntimeSeconds: Int? = nil, summaryCounts: [String: Int64] = [:], lastHeartbeatAt: Date? = nil,
    reconciliationReason: ReasonCode? = nil
  ) {
    self.id = id
    self.type = type
    self.tenantName = tenantName
    self.status = status
    self.outcome = outcome
    self.freshness = freshness
    self.initiatorName = initiatorName
    self.createdAt = createdAt
    self.startedAt = startedAt
    self.completedAt = completedAt
    self.expectedRuntimeSeconds = expectedRuntimeSeconds
    self.summaryCounts = summaryCounts
    self.lastHeartbeatAt = lastHeartbeatAt
    self.reconciliationReason = reconciliationReason
  }

  /// A row for `run`, with the names looked up by the caller.
  public init(
    run: OperationRun, freshness: Freshness, tenantName: String?, initiatorName: String?,
    expectedRuntimeSeconds: Int?
  ) {
    self.init(
      id: run.id, type: run.type, tenantName: tenantName, status: run.status, outcome: run.outcome,
      freshness: freshness, initiatorName: initiatorName, createdAt: run.createdAt, startedAt: run.startedAt,
      completedAt: run.completedAt, expectedRuntimeSeconds: expectedRuntimeSeconds,
      summaryCounts: run.summaryCounts, lastHeartbeatAt: run.lastHeartbeatAt,
      reconciliationReason: run.reconciliation?.reason)
  }

  /// Progress of a running run that reports `processed` of `total` (total > 0), clamped to the total.
  public var progress: (processed: Int64, total: Int64)? {
    guard status == .running, let total = summaryCounts["total"], total > 0,
      let processed = summaryCounts["processed"]
    else { return nil }
    return (min(max(processed, 0), total), total)
  }
}

/// The `<progress>` bar (an element, not an inline width: the CSP forbids inline styles).
public enum ProgressBar {
  /// `16762` → `16,762`: digits in groups of three, the same on every server whatever its locale.
  public static func grouped(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(digits[start..<end], at: 0)
      end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ",")
  }

  /// `<progress max value>` with the counts as visible text.
  public static func render(processed: Int64, total: Int64, label: String) -> HTML {
    """
    <span class="progress"><progress max="\(total)" value="\(processed)" aria-label="\(label)">\
    \(grouped(processed)) of \(grouped(total))</progress> <span class="progress__text">\(grouped(processed)) / \
    \(grouped(total))\(HTML.when(total > 0) { " · \(processed * 100 / total)%" })</span></span>
    """
  }
}
