import Foundation
import RunwatchCore
import StorageEngine

/// Filters on the runs list (all optional, combinable). Values are already allow-listed by the caller.
public struct RunFilter: Sendable, Equatable {
  /// Derived freshness.
  public var freshness: Freshness?
  /// Lifecycle status.
  public var status: RunStatus?
  /// Outcome.
  public var outcome: RunOutcome?
  /// Exact operation type.
  public var type: String?
  /// Tenant id.
  public var tenantID: Int64?
  /// Only runs reconciled at or after this instant (the "reconciled in the last 24 h" tile's link).
  public var reconciledSince: Date?
  /// Only runs that finished at or after this instant (reconciled ones when they were reconciled): the
  /// insights page's links, which count runs by the hour they finished.
  public var finishedSince: Date?
  /// Only runs reconciled with this reason.
  public var reason: ReasonCode?
  /// Only runs created at or after this instant.
  public var createdAfter: Date?
  /// Only runs created before this instant.
  public var createdBefore: Date?
  /// Only runs requested by this person, or by nobody (system runs).
  public var initiator: RunInitiator?
  /// Only runs whose searchable text holds every one of these words (as prefixes; `RunSearch.words`).
  public var words: [String] = []

  /// Creates a filter.
  public init(
    freshness: Freshness? = nil, status: RunStatus? = nil, outcome: RunOutcome? = nil, type: String? = nil,
    tenantID: Int64? = nil, reconciledSince: Date? = nil, finishedSince: Date? = nil,
    reason: ReasonCode? = nil, createdAfter: Date? = nil, createdBefore: Date? = nil,
    initiator: RunInitiator? = nil, words: [String] = []
  ) {
    self.words = words
    self.freshness = freshness
    self.status = status
    self.outcome = outcome
    self.type = type
    self.tenantID = tenantID
    self.reconciledSince = reconciledSince
    self.finishedSince = finishedSince
    self.reason = reason
    self.createdAfter = createdAfter
    self.createdBefore = createdBefore
    self.initiator = initiator
  }

  /// Whether no filter is set.
  public var isEmpty: Bool { self == RunFilter() }
}

/// Who requested a run, as a filter: one person, or nobody (runs a system started).
public enum RunInitiator: Sendable, Equatable {
  /// Runs this user requested.
  case user(Int64)
  /// Runs without an initiator.
  case system
}

/// What a principal may see inside one workspace. Built by authorization; applied by every list query so
/// lists only contain runs the principal could open.
public struct RunScope: Sendable, Equatable {
  /// The workspace.
  public var workspaceID: Int64
  /// Tenants visible; `nil` means every tenant of the workspace.
  public var tenantIDs: [Int64]?
  /// Whether workspace-level runs (no tenant) are visible.
  public var includesWorkspaceLevelRuns: Bool
  /// Types the principal lacks the capability for.
  public var hiddenTypes: [String]

  /// Creates a scope.
  public init(
    workspaceID: Int64, tenantIDs: [Int64]? = nil, includesWorkspaceLevelRuns: Bool = true,
    hiddenTypes: [String] = []
  ) {
    self.workspaceID = workspaceID
    self.tenantIDs = tenantIDs
    self.includesWorkspaceLevelRuns = includesWorkspaceLevelRuns
    self.hiddenTypes = hiddenTypes
  }
}

/// A WHERE clause with its bound arguments, built only from fixed SQL fragments and bound values.
public struct SQLCondition: Sendable {
  /// Fragments joined with AND.
  public var fragments: [String] = []
  /// Arguments in fragment order.
  public var arguments: [any SQLBindable] = []

  /// Creates an empty condition.
  public init() {}

  /// Adds a fragment and its arguments.
  public mutating func add(_ fragment: String, _ values: [any SQLBindable] = []) {
    fragments.append(fragment)
    arguments.append(contentsOf: values)
  }

  /// `WHERE …` text, or an empty string.
  public var whereClause: String { fragments.isEmpty ? "" : "WHERE " + fragments.joined(separator: " AND ") }

  static func parameterMarks(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
  }
}

extension RunScope {
  /// Restricts `condition` to this scope.
  public func apply(to condition: inout SQLCondition) {
    condition.add("workspace_id = ?", [workspaceID])
    if let tenantIDs {
      let tenantMatch =
        tenantIDs.isEmpty ? "0" : "tenant_id IN (\(SQLCondition.parameterMarks(tenantIDs.count)))"
      condition.add(
        includesWorkspaceLevelRuns ? "(\(tenantMatch) OR tenant_id IS NULL)" : tenantMatch, tenantIDs)
    } else if !includesWorkspaceLevelRuns {
      condition.add("tenant_id IS NOT NULL")
    }
    if !hiddenTypes.isEmpty {
      condition.add("type NOT IN (\(SQLCondition.parameterMarks(hiddenTypes.count)))", hiddenTypes)
    }
  }
}

extension RunFilter {
  /// Restricts `condition` to this filter, deriving freshness from `stale_at` and `now` exactly as
  /// `OperationRun.freshness(policy:now:)` does.
  public func apply(to condition: inout SQLCondition, now: Date) {
    if let freshness { Self.applyFreshness(freshness, to: &condition, now: now) }
    if let status {
      condition.add("status = ?", [status.rawValue])
      // Spelled out so the partial index of active runs (`indexHint`) is usable: SQLite uses a partial index
      // only when the query repeats its WHERE term. The active freshness states already carry it.
      if !status.isTerminal && !hasActiveFreshness { condition.add(Self.activeStatuses) }
    }
    if let outcome { condition.add("outcome = ?", [outcome.rawValue]) }
    if let type { condition.add("type = ?", [type]) }
    if let tenantID { condition.add("tenant_id = ?", [tenantID]) }
    if let reconciledSince {
      condition.add("reconciliation_reason IS NOT NULL AND reconciled_at >= ?", [reconciledSince])
    }
    if let finishedSince {
      condition.add("status = 'completed' AND \(Self.finishedAt) >= ?", [finishedSince])
    }
    if let reason { condition.add("reconciliation_reason = ?", [reason.rawValue]) }
    if let createdAfter { condition.add("created_at >= ?", [createdAfter]) }
    if let createdBefore {
      // Exact on `created_at`; the id bound lets a page walk the list newest first from that point instead of
      // skipping every newer run: ids follow creation, so no run created before the instant has an id above
      // the largest of the last 1,000 runs created before it (that would take a run out of order by more than
      // 1,000 places; several instances' clocks differ by milliseconds).
      condition.add(
        """
        created_at < ? AND id <= COALESCE((SELECT MAX(id) FROM (SELECT id FROM operation_runs
          WHERE created_at < ? ORDER BY created_at DESC LIMIT 1000) AS newest_before), 0)
        """, [createdBefore, createdBefore])
    }
    switch initiator {
    case .user(let id)?: condition.add("initiator_user_id = ?", [id])
    case .system?: condition.add("initiator_user_id IS NULL")
    case nil: break
    }
  }

  /// Whether the freshness filter is one of the states only active runs have.
  var hasActiveFreshness: Bool {
    switch freshness {
    case .freshActive?, .likelyStale?, .unknown?: true
    case .reconciledFailed?, .terminalNormal?, nil: false
    }
  }

  /// Whether only active (queued or running) runs can match: then a page walks the active runs' index.
  var matchesOnlyActiveRuns: Bool { hasActiveFreshness || status.map { !$0.isTerminal } ?? false }

  /// When a run finished (a reconciled run when it was reconciled), word for word as `runs_finished_by_type`
  /// indexes it and as the rollups bucket it.
  static let finishedAt = "COALESCE(reconciled_at, completed_at)"

  /// The WHERE term of the partial indexes of active runs, word for word.
  static let activeStatuses = "status IN ('queued', 'running')"

  /// The SQL meaning of each freshness state.
  public static func applyFreshness(_ freshness: Freshness, to condition: inout SQLCondition, now: Date) {
    switch freshness {
    case .freshActive: condition.add("\(activeStatuses) AND stale_at > ?", [now])
    case .likelyStale: condition.add("\(activeStatuses) AND stale_at <= ?", [now])
    case .unknown: condition.add("\(activeStatuses) AND stale_at IS NULL")
    case .reconciledFailed:
      condition.add("status = 'completed' AND reconciliation_reason IS NOT NULL AND outcome = 'failed'")
    case .terminalNormal:
      condition.add("status = 'completed' AND (reconciliation_reason IS NULL OR outcome <> 'failed')")
    }
  }
}
