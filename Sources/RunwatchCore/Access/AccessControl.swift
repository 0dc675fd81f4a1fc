/// The answer to "may this principal open this?". Maps to HTTP as 200 / 404 / 403.
public enum AccessDecision: Sendable, Equatable {
  /// Go ahead.
  case allowed
  /// Behave exactly as if the thing did not exist: it is missing, or the principal must not learn that it
  /// exists (other workspace, tenant not entitled).
  case notFound
  /// The principal may know it exists but lacks this capability (the 403 page names it).
  case forbidden(Capability)
}

/// A decision that carries the authorized value when allowed.
public enum Authorized<Value: Sendable>: Sendable {
  /// Allowed, with the value.
  case allowed(Value)
  /// See `AccessDecision.notFound`.
  case notFound
  /// See `AccessDecision.forbidden`.
  case forbidden(Capability)

  /// The decision without the value.
  public var decision: AccessDecision {
    switch self {
    case .allowed: .allowed
    case .notFound: .notFound
    case .forbidden(let capability): .forbidden(capability)
    }
  }

  /// The value when allowed.
  public var value: Value? {
    if case .allowed(let value) = self { return value }
    return nil
  }
}

extension Authorized: Equatable where Value: Equatable {}

/// What authorization needs to know about a run: where it lives and what it is.
public struct RunAccessTarget: Sendable, Equatable {
  /// The run's workspace.
  public var workspaceID: Int64
  /// The run's tenant; nil for workspace-level runs.
  public var tenantID: Int64?
  /// The run's operation type.
  public var type: String

  /// Creates a target.
  public init(workspaceID: Int64, tenantID: Int64?, type: String) {
    self.workspaceID = workspaceID
    self.tenantID = tenantID
    self.type = type
  }

  /// The target for a stored run.
  public init(_ run: OperationRun) {
    self.init(workspaceID: run.workspaceID, tenantID: run.tenantID, type: run.type)
  }
}

/// The single decision function every page and API route uses. Pure: the facts come in, a decision comes out.
public enum AccessControl {
  /// Whether `principal` may open the run `target` (nil = no such run).
  ///
  /// Missing run, not a member of its workspace, or not entitled to its tenant → `.notFound` (the same value
  /// in every case, so callers cannot render them differently). Reachable but lacking `operations.view` or
  /// the run type's capability → `.forbidden(capability)`.
  public static func decide(
    principal: Principal, run target: RunAccessTarget?, policy: LifecyclePolicy
  ) -> AccessDecision {
    guard let target, let access = principal.access(in: target.workspaceID),
      access.tenants.includes(target.tenantID)
    else { return .notFound }
    if !access.has(.operationsView) { return .forbidden(.operationsView) }
    let typeCapability = Capability(rawValue: policy.capability(for: target.type))
    if !access.has(typeCapability) { return .forbidden(typeCapability) }
    return .allowed
  }

  /// Whether `principal` may open a workspace-wide page needing `capability` (the runs list needs
  /// `operations.view`, `/audit` needs `audit.view`). Not a member → `.notFound`.
  public static func decide(
    principal: Principal, workspaceID: Int64, requiring capability: Capability
  ) -> AccessDecision {
    guard let access = principal.access(in: workspaceID) else { return .notFound }
    return access.has(capability) ? .allowed : .forbidden(capability)
  }
}
