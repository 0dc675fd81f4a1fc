import RunwatchCore

/// What one reconcile pass may touch. Empty filter lists mean "no restriction".
public struct ReconcileOptions: Sendable, Equatable {
  /// The allowed range for `limit`, matching the policy's batch limit range.
  public static let limitRange = 1...500

  /// Only these operation types (each must be covered and have scheduled reconciliation on).
  public var types: [String]
  /// Only runs of these tenants.
  public var tenantIDs: [Int64]
  /// Only runs of these workspaces.
  public var workspaceIDs: [Int64]
  /// At most this many runs per batch (1–500); `nil` uses the policy's `reconcile.batch_limit`.
  public var limit: Int?
  /// Report what would change without writing anything.
  public var dryRun: Bool

  /// Creates options.
  public init(
    types: [String] = [], tenantIDs: [Int64] = [], workspaceIDs: [Int64] = [], limit: Int? = nil,
    dryRun: Bool = false
  ) {
    self.types = types
    self.tenantIDs = tenantIDs
    self.workspaceIDs = workspaceIDs
    self.limit = limit
    self.dryRun = dryRun
  }

  /// Checks the options against `policy` and returns the batch limit in force.
  /// Throws `StoreError.invalid` naming the bad value; nothing has been read or written at that point.
  func resolvedLimit(policy: LifecyclePolicy) throws -> Int {
    let limit = limit ?? policy.reconcile.batchLimit
    guard Self.limitRange.contains(limit) else {
      throw StoreError.invalid(
        "limit must be between \(Self.limitRange.lowerBound) and \(Self.limitRange.upperBound), got \(limit)")
    }
    for type in types {
      guard let rules = policy.types[type] else {
        throw StoreError.invalid(
          "type \(type) is not covered by the lifecycle policy, so it is never reconciled")
      }
      guard rules.scheduledReconciliation else {
        throw StoreError.invalid(
          "type \(type) has scheduled_reconciliation: false, so it is never reconciled")
      }
    }
    if let bad = tenantIDs.first(where: { $0 <= 0 }) {
      throw StoreError.invalid("tenant ids must be positive, got \(bad)")
    }
    if let bad = workspaceIDs.first(where: { $0 <= 0 }) {
      throw StoreError.invalid("workspace ids must be positive, got \(bad)")
    }
    return limit
  }

  /// The types to look at: the requested ones, or every type the policy lets the reconciler heal.
  func effectiveTypes(policy: LifecyclePolicy) -> [String] {
    types.isEmpty ? policy.reconcilableTypes : Array(Set(types)).sorted()
  }
}
