import Foundation
import RunwatchCore
import Synchronization

/// Signed-in viewers resolved in the last `ttl` seconds, by session cookie, so a page refreshed by fifty
/// operators does not read session, user, principal, memberships and workspaces fifty times a second.
///
/// What this may serve stale, and for how long (at most `ttl`): a session that just expired or was destroyed
/// by another process (`runwatch user revoke`), a membership or role changed from the command line, the
/// unread count. Changes made through this server invalidate at once: sign-out, workspace switch, marking
/// notifications read. Bounded: at most `capacity` entries; a full cache first drops expired entries, then
/// starts over, so memory never grows with the number of sessions ever seen.
public final class ViewerCache: Sendable {
  /// How long an entry is served (seconds).
  public let ttl: TimeInterval
  /// Most entries kept.
  public let capacity: Int
  private let clock: any TimeSource
  private let entries = Mutex<[String: Entry]>([:])
  private let unread = Mutex<[Int64: Unread]>([:])

  struct Entry: Sendable {
    var viewer: Viewer
    var expires: Date
  }

  struct Unread: Sendable {
    var count: Int
    var expires: Date
  }

  /// Creates an empty cache reading time from `clock`.
  public init(clock: any TimeSource, ttl: TimeInterval = 1.5, capacity: Int = 4_096) {
    self.clock = clock
    self.ttl = ttl
    self.capacity = max(1, capacity)
  }

  /// The cached viewer for `cookie`, if still fresh.
  func viewer(cookie: String) -> Viewer? {
    let now = clock.now()
    return entries.withLock { entries in
      guard let entry = entries[cookie] else { return nil }
      if entry.expires <= now {
        entries[cookie] = nil
        return nil
      }
      return entry.viewer
    }
  }

  /// Remembers `viewer` for `cookie` for `ttl` seconds.
  func remember(_ viewer: Viewer, cookie: String) {
    let now = clock.now()
    entries.withLock { entries in
      if entries.count >= capacity, entries[cookie] == nil {
        entries = entries.filter { $0.value.expires > now }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
      }
      entries[cookie] = Entry(viewer: viewer, expires: now.addingTimeInterval(ttl))
    }
  }

  /// `userID`'s unread notification count from the last `ttl` seconds, or `read()`'s answer (then kept).
  func unreadCount(userID: Int64, read: () throws -> Int) rethrows -> Int {
    let now = clock.now()
    if let known = unread.withLock({ $0[userID].flatMap { $0.expires > now ? $0.count : nil } }) {
      return known
    }
    let count = try read()
    unread.withLock { unread in
      if unread.count >= capacity, unread[userID] == nil {
        unread = unread.filter { $0.value.expires > now }
        if unread.count >= capacity { unread.removeAll(keepingCapacity: true) }
      }
      unread[userID] = Unread(count: count, expires: now.addingTimeInterval(ttl))
    }
    return count
  }

  /// Drops the viewer cached for `cookie` (sign-out, workspace switch).
  func forget(cookie: String) {
    _ = entries.withLock { $0.removeValue(forKey: cookie) }
  }

  /// Drops `userID`'s cached unread count (notifications marked read).
  func forgetUnread(userID: Int64) {
    _ = unread.withLock { $0.removeValue(forKey: userID) }
  }

  /// Entries held now (tests).
  var count: Int { entries.withLock { $0.count } }
}
