/// A run's status, outcome and freshness at one instant: the `before` and `after` of a reconciliation.
public struct RunSnapshot: Sendable, Equatable, Codable {
  /// Lifecycle status.
  public var status: RunStatus
  /// Outcome.
  public var outcome: RunOutcome
  /// Derived freshness.
  public var freshnessState: Freshness

  /// Creates a snapshot.
  public init(status: RunStatus, outcome: RunOutcome, freshnessState: Freshness) {
    self.status = status
    self.outcome = outcome
    self.freshnessState = freshnessState
  }

  enum CodingKeys: String, CodingKey {
    case status, outcome
    case freshnessState = "freshness_state"
  }
}
