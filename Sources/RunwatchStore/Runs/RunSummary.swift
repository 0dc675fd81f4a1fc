import Foundation
import RunwatchCore
import StorageEngine

/// What a list of runs shows of each run, read from the columns it needs only: no context, failures or
/// evidence are decoded, and counts only for running runs (the only ones with a progress bar).
public struct RunSummary: Sendable, Equatable, Identifiable {
  /// Run id.
  public var id: Int64
  /// Owning workspace.
  public var workspaceID: Int64
  /// Tenant; `nil` for workspace-level runs.
  public var tenantID: Int64?
  /// Initiator; `nil` for system runs.
  public var initiatorUserID: Int64?
  /// Operation type.
  public var type: String
  /// Lifecycle status.
  public var status: RunStatus
  /// Outcome.
  public var outcome: RunOutcome
  /// When it was queued.
  public var createdAt: Date
  /// When a worker started it.
  public var startedAt: Date?
  /// Last progress report.
  public var lastHeartbeatAt: Date?
  /// When it reached terminal truth.
  public var completedAt: Date?
  /// The stored deadline of an active covered run (`stale_at`).
  public var staleAt: Date?
  /// Why it was reconciled, when it was.
  public var reconciliationReason: ReasonCode?
  /// `processed` and `total` of a running run that reports them.
  public var progressCounts: [String: Int64]

  /// Freshness at `now`, by the one rule (`Freshness.derive`) from the stored deadline.
  public func freshness(now: Date) -> Freshness {
    Freshness.derive(
      status: status, outcome: outcome, isReconciled: reconciliationReason != nil, staleAt: staleAt, now: now)
  }

  /// The columns read, in the order `init(row:)` reads them by position.
  static let selectColumns = """
    id, workspace_id, tenant_id, initiator_user_id, type, status, outcome, created_at, started_at,
    last_heartbeat_at, completed_at, stale_at, reconciliation_reason,
    CASE WHEN status = 'running' THEN summary_counts END AS summary_counts
    """

  /// Decodes a row of `selectColumns` by position (a page decodes 50 of them; by name each column cost a hash).
  init(row: Row) throws {
    guard let id = row.int64(at: 0), let workspaceID = row.int64(at: 1),
      let type = row.string(at: 4), let status = row.string(at: 5).flatMap(RunStatus.init(rawValue:)),
      let outcome = row.string(at: 6).flatMap(RunOutcome.init(rawValue:)),
      let createdAt = row.date(at: 7)
    else { throw StoreError.corruptRow(table: "operation_runs") }
    self.id = id
    self.workspaceID = workspaceID
    tenantID = row.int64(at: 2)
    initiatorUserID = row.int64(at: 3)
    self.type = type
    self.status = status
    self.outcome = outcome
    self.createdAt = createdAt
    startedAt = row.date(at: 8)
    lastHeartbeatAt = row.date(at: 9)
    completedAt = row.date(at: 10)
    staleAt = row.date(at: 11)
    reconciliationReason = row.string(at: 12).flatMap(ReasonCode.init(rawValue:))
    progressCounts = OperationRun.decodeCounts(row.string(at: 13))
  }
}
