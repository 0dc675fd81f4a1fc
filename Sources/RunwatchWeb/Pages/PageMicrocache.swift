import Foundation
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import Synchronization

/// Rendered page content (everything inside `<main>`, not the per-user chrome) kept for at most `ttl` seconds,
/// keyed by everything that decides what the content shows: the page, the workspace, the viewer's tenant scope
/// and hidden types, every filter and the cursor. Fifty operators refreshing the same list during an incident
/// cost one render a second; two viewers whose scopes differ never share an entry. The viewer's name, CSRF
/// token and unread count are spliced in per request by the caller.
///
/// Bounded: at most `capacity` entries; a full cache drops expired entries, then the oldest half.
public final class PageMicrocache: Sendable {
  /// Seconds an entry is served; a run's new state shows within this.
  public let ttl: TimeInterval
  /// Most entries kept.
  public let capacity: Int
  private let clock: any TimeSource
  private let entries = Mutex<[String: Entry]>([:])

  struct Entry: Sendable {
    var content: HTML
    var created: Date
  }

  /// Creates an empty cache.
  public init(clock: any TimeSource, ttl: TimeInterval = 1, capacity: Int = 256) {
    self.clock = clock
    self.ttl = max(0, min(ttl, 2))
    self.capacity = max(1, capacity)
  }

  /// The fresh content under `key`, or `render()`'s (kept unless it throws).
  func content(for key: String, render: () throws -> HTML) rethrows -> HTML {
    if ttl == 0 { return try render() }
    let now = clock.now()
    if let hit = entries.withLock({ entries -> HTML? in
      guard let entry = entries[key] else { return nil }
      return now.timeIntervalSince(entry.created) < ttl && entry.created <= now ? entry.content : nil
    }) {
      return hit
    }
    let content = try render()
    entries.withLock { entries in
      if entries.count >= capacity, entries[key] == nil {
        entries = entries.filter { now.timeIntervalSince($0.value.created) < ttl }
        if entries.count >= capacity {
          let oldest = entries.sorted { $0.value.created < $1.value.created }.prefix(entries.count / 2 + 1)
          for (name, _) in oldest { entries[name] = nil }
        }
      }
      entries[key] = Entry(content: content, created: now)
    }
    return content
  }

  /// Entries held now (tests).
  var count: Int { entries.withLock { $0.count } }

  /// The key part for a viewer's scope: workspace, visible tenants (or all), workspace-level runs, hidden types.
  static func scopeKey(_ scope: RunScope) -> String {
    let tenants = scope.tenantIDs.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "*"
    return "w=\(scope.workspaceID);t=\(tenants);wl=\(scope.includesWorkspaceLevelRuns);h="
      + scope.hiddenTypes.sorted().joined(separator: ",")
  }
}
