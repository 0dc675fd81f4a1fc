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

  /// Whether someone should look: failed, blocked or only partly done. What "notify me about failures only"
  /// keeps, and what notifications style as alarms (success and cancellation are not).
  public var needsAttention: Bool {
    switch self {
    case .failed, .blocked, .partiallySucceeded: true
    case .pending, .succeeded, .cancelled: false
    }
  }
}

/// Which finished runs a user is notified about (their preference; the seeds' default is every one).
public enum NotificationPreference: String, Sendable, CaseIterable, Codable {
  /// Every run they started, when it finishes.
  case all
  /// Only runs that need attention (`RunOutcome.needsAttention`).
  case failures
}
