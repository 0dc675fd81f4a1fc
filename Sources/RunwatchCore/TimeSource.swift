import Foundation
import Synchronization

/// Where the domain gets "now" from. Injected everywhere so tests move time instead of sleeping.
public protocol TimeSource: Sendable {
  /// The current instant.
  func now() -> Date
}

/// The real wall clock.
public struct SystemTimeSource: TimeSource {
  /// Creates the wall clock.
  public init() {}
  /// The current wall-clock time.
  public func now() -> Date { Date() }
}

/// A clock tests set and advance by hand.
public final class ManualTimeSource: TimeSource {
  private let current: Mutex<Date>

  /// Creates a clock stopped at `start`.
  public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
    current = Mutex(start)
  }

  /// The instant the clock is stopped at.
  public func now() -> Date { current.withLock { $0 } }

  /// Moves the clock forward by `seconds`.
  public func advance(by seconds: TimeInterval) {
    current.withLock { $0 = $0.addingTimeInterval(seconds) }
  }

  /// Stops the clock at `date`.
  public func set(_ date: Date) {
    current.withLock { $0 = date }
  }
}
