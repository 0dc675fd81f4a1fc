/// What the store knows about whether a run may still legitimately execute. Gathered by the store, judged here,
/// so the judgement stays pure and testable.
public struct ExecutionLegitimacyFacts: Sendable, Equatable {
  /// Whether the run's tenant is still active; `nil` for workspace-level runs (no tenant to check).
  public var tenantActive: Bool?
  /// Whether the initiator is still a member of the run's workspace; `nil` for system runs (no initiator).
  public var initiatorMember: Bool?

  /// Creates the facts.
  public init(tenantActive: Bool?, initiatorMember: Bool?) {
    self.tenantActive = tenantActive
    self.initiatorMember = initiatorMember
  }
}

/// The result of one named legitimacy check.
public enum LegitimacyCheckResult: String, Sendable, Codable {
  /// The check holds.
  case passed
  /// The check fails: the run would not be allowed to execute now.
  case failed
  /// The check does not apply to this run (no tenant, no initiator).
  case notApplicable = "not_applicable"
}

/// One named legitimacy check, as recorded in evidence.
public struct LegitimacyCheck: Sendable, Equatable, Codable {
  /// Stable check name: `tenant_active`, `initiator_member`, `type_covered`.
  public var name: String
  /// What it found.
  public var result: LegitimacyCheckResult

  /// Creates a check result.
  public init(name: String, result: LegitimacyCheckResult) {
    self.name = name
    self.result = result
  }
}

/// Whether a run could still legitimately execute, check by check. Reconciliation does not depend on it (a
/// stale run is stale either way); it is evidence that tells an engineer whether the work was still wanted.
public struct ExecutionLegitimacy: Sendable, Equatable {
  /// The checks, in a fixed order.
  public var checks: [LegitimacyCheck]

  /// Evaluates the checks for `run` under `policy` with the store's `facts`.
  public init(run: OperationRun, policy: LifecyclePolicy, facts: ExecutionLegitimacyFacts) {
    func result(_ fact: Bool?) -> LegitimacyCheckResult {
      guard let fact else { return .notApplicable }
      return fact ? .passed : .failed
    }
    checks = [
      LegitimacyCheck(name: "tenant_active", result: result(run.tenantID == nil ? nil : facts.tenantActive)),
      LegitimacyCheck(
        name: "initiator_member", result: result(run.initiatorUserID == nil ? nil : facts.initiatorMember)),
      LegitimacyCheck(name: "type_covered", result: result(policy.covers(run.type))),
    ]
  }

  /// Whether no check failed.
  public var isLegitimate: Bool { !checks.contains { $0.result == .failed } }

  /// The evidence form: `{"legitimate": …, "checks": [{"name": …, "result": …}, …]}`.
  public var json: JSONValue {
    [
      "legitimate": .bool(isLegitimate),
      "checks": .array(checks.map { ["name": .string($0.name), "result": .string($0.result.rawValue)] }),
    ]
  }
}
