import Foundation
import Synchronization

/// What the writes on one pool have come to lately: whether the last write that reached SQLite failed with a
/// transient fault (disk full, I/O error, lock not granted in time) and no write has succeeded since. Readiness
/// probes read it, so a server that cannot write says so instead of answering every write with an error.
public final class WriteHealth: Sendable {
  /// A transient write failure that no successful write has cleared yet.
  public struct Failure: Sendable, Equatable {
    /// SQLite's result code (extended).
    public var code: Int32
    /// SQLite's message.
    public var message: String
    /// When the first failure of this streak happened.
    public var since: Date
    /// Whether SQLite said the disk (or `max_page_count`) is full.
    public var isDiskFull: Bool { code & 0xff == 13 }
  }

  private let state = Mutex<Failure?>(nil)

  /// Creates a healthy record.
  public init() {}

  /// The failure streak in progress, or nil when the last write succeeded (or none failed).
  public var failure: Failure? { state.withLock { $0 } }

  /// Notes a committed write: any failure streak is over.
  func recordSuccess() {
    state.withLock { $0 = nil }
  }

  /// Notes a transient failure; the streak keeps the time of its first failure.
  func record(_ error: SQLiteError, at now: Date = Date()) {
    state.withLock { failure in
      if let existing = failure {
        failure = Failure(code: error.code, message: error.message, since: existing.since)
      } else {
        failure = Failure(code: error.code, message: error.message, since: now)
      }
    }
  }
}
