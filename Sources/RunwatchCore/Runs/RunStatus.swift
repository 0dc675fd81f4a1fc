/// Lifecycle status of an operation run. There are exactly three; freshness is derived, never stored.
public enum RunStatus: String, Sendable, CaseIterable, Codable {
  case queued
  case running
  case completed

  /// Whether the run has reached terminal truth (and may never change again).
  public var isTerminal: Bool { self == .completed }
}

/// Execution outcome: `pending` until the run completes.
public enum RunOutcome: String, Sendable, CaseIterable, Codable {
  case pending
  case succeeded
  case partiallySucceeded = "partially_succeeded"
  case blocked
  case failed
  case cancelled

  /// Outcomes a completion report may carry (everything but `pending`).
  public static let terminalOutcomes: [RunOutcome] = allCases.filter { $0 != .pending }
}
