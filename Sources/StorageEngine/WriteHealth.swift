import Foundation
import Synchronization

/// What the writes on one pool have come to lately: whether the last write that reached the database failed with a
/// transient fault (disk full, I/O error, lock not granted in time) and no write has succeeded since. Readiness
/// probes read it, so a server that cannot write says so instead of answering every write with an error.
public final class WriteHealth: Sendable {
  /// A transient write failure that no successful write has cleared yet.
  public struct Failure: Sendable, Equatable {
    /// The engine's message.
    public var message: String
    /// Whether the engine said the disk (or a configured size limit) is full.
    public var isDiskFull: Bool
    /// When the first failure of this streak happened.
    public var since: Date
  }

  private let state = Mutex<Failure?>(nil)

  /// Creates a healthy record.
  public init() {}

  /// The failure streak in progress, or nil when the last write succeeded (or none failed).
  public var failure: Failure? { state.withLock { $0 } }

  /// Notes a committed write: any failure streak is over.
  public func recordSuccess() {
    state.withLock { $0 = nil }
  }

  /// Notes a transient failure; the streak keeps the time of its first failure.
  public func record(_ error: any DatabaseFault, at now: Date = Date()) {
    state.withLock { failure in
      failure = Failure(message: error.message, isDiskFull: error.isDiskFull, since: failure?.since ?? now)
    }
  }
}
