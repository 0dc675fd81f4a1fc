/// A named permission, such as `operations.view`. Open-ended because the lifecycle policy can name per-type
/// capabilities (`restore.view`); the well-known ones are static members.
public struct Capability: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
  /// The capability's stable name.
  public let rawValue: String

  /// Wraps a capability name.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Wraps a capability name written as a literal.
  public init(stringLiteral value: String) { self.rawValue = value }

  /// The name.
  public var description: String { rawValue }

  /// Orders by name (stable output in lists and errors).
  public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }

  /// See runs at all: the runs list and every run page.
  public static let operationsView: Capability = "operations.view"
  /// See the audit log (`/audit`).
  public static let auditView: Capability = "audit.view"
  /// See restore runs (`restore.execute`), which reveal what was restored where.
  public static let restoreView: Capability = "restore.view"
  /// Mark a likely-stale run failed by hand, with a note (a run nobody else can finish: its type opts out of
  /// scheduled reconciliation, or the loop is off). Owners and managers.
  public static let operationsResolve: Capability = "operations.resolve"
  /// Report on runs through the worker API: create, start, heartbeat, complete, queue failure. Held by worker
  /// tokens only, and not by read-only ones.
  public static let runsReport: Capability = "runs.report"
  /// Add and remove the workspace's outbound webhooks, see their signing secrets once and their deliveries
  /// (`/settings/webhooks`, `runwatch webhook`). Owners only: a webhook sends run data out of Runwatch.
  public static let webhooksManage: Capability = "webhooks.manage"
}

/// A member's role in one workspace. What each role may do is defined only in `CapabilityRegistry`.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
  /// Owns the workspace: every capability, every tenant.
  case owner
  /// Runs the workspace: every capability, every tenant.
  case manager
  /// Operates runs of the tenants they were granted.
  case `operator`
  /// Looks at ordinary runs of the tenants they were granted.
  case readonly

  /// Orders from most to least powerful.
  public static func < (lhs: Role, rhs: Role) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
