import Foundation
import Synchronization

/// Runs the reconciler could not handle (an undecodable row, a constraint it trips), left out of later batches
/// for `retryAfter`, so one bad row cannot sort first in every batch and keep the rest of the fleet from healing.
/// Bounded: once `capacity` runs are held, expired entries go first, then the oldest.
final class FailedRunSkipList: Sendable {
  let capacity: Int
  let retryAfter: TimeInterval
  private let entries = Mutex([Int64: Date]())

  init(capacity: Int = 1_000, retryAfter: TimeInterval = 600) {
    self.capacity = max(1, capacity)
    self.retryAfter = retryAfter
  }

  /// The runs to leave out at `now` (expired entries are dropped on the way).
  func skipped(at now: Date) -> Set<Int64> {
    entries.withLock { entries in
      entries = entries.filter { $0.value > now }
      return Set(entries.keys)
    }
  }

  /// Leaves `runID` out until `now + retryAfter`.
  func skip(_ runID: Int64, at now: Date) {
    entries.withLock { entries in
      if entries[runID] == nil, entries.count >= capacity {
        entries = entries.filter { $0.value > now }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value < $1.value })?.key {
          entries[oldest] = nil
        }
      }
      entries[runID] = now.addingTimeInterval(retryAfter)
    }
  }

  /// How many runs are left out now (expired ones included until the next `skipped(at:)`).
  var count: Int { entries.withLock { $0.count } }
}
