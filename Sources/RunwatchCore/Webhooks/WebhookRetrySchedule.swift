import Foundation

/// When a delivery that failed is tried again: 1 s after the first attempt, then 2 s, 4 s … doubling up to
/// `maximumBackoff` (5 minutes in production), and given up (`failed`) after `maximumAttempts` attempts.
/// With the defaults a receiver may be down for about 40 minutes without losing anything.
public struct WebhookRetrySchedule: Sendable, Equatable {
  /// The longest wait between two attempts, in seconds.
  public var maximumBackoff: TimeInterval
  /// Attempts before a delivery is marked `failed`.
  public var maximumAttempts: Int

  /// The production schedule: 5-minute cap, 15 attempts.
  public static let standard = WebhookRetrySchedule(maximumBackoff: 300, maximumAttempts: 15)

  /// Creates a schedule.
  public init(maximumBackoff: TimeInterval, maximumAttempts: Int) {
    self.maximumBackoff = maximumBackoff
    self.maximumAttempts = maximumAttempts
  }

  /// Seconds to wait after attempt number `attempt` (1-based) failed.
  public func backoff(afterAttempt attempt: Int) -> TimeInterval {
    let exponent = Double(min(max(attempt, 1) - 1, 30))
    return min(maximumBackoff, pow(2, exponent))
  }

  /// Whether a delivery that has failed `attempts` times is given up.
  public func isExhausted(afterAttempts attempts: Int) -> Bool { attempts >= maximumAttempts }
}
