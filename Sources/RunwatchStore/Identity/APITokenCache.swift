import Foundation
import RunwatchCore
import Synchronization

/// A short memory of worker tokens that just authenticated, so a worker sending heartbeats in a tight loop
/// does not read `api_tokens` (and build its principal) on every request.
///
/// Keyed by the token's SHA-256 digest — the value `api_tokens.token_hash` stores — so the cache never holds a
/// secret. Only live tokens are remembered (an unknown or revoked secret always goes to the database), and each
/// entry is trusted for at most ``timeToLive`` (≤ 2 s): **a token revoked by another process (`runwatch token
/// revoke`) keeps working for up to that long** on a server that saw it just before; one revoked through the
/// same `IdentityService` is forgotten at once. Memory stays bounded under any load: at most ``capacity``
/// entries, and a full cache first drops expired entries, then the entry stored longest ago.
final class APITokenCache: Sendable {
  /// Longest time an entry is trusted, in seconds.
  let timeToLive: TimeInterval
  /// Most entries held at once.
  let capacity: Int

  private struct Entry: Sendable {
    var token: APIToken
    var principal: Principal
    var storedAt: Date
  }

  private let entries = Mutex<[String: Entry]>([:])

  /// A cache trusting entries for `timeToLive` seconds (clamped to 0…2) and holding at most `capacity`.
  init(timeToLive: TimeInterval = 2, capacity: Int = 256) {
    self.timeToLive = min(max(timeToLive, 0), 2)
    self.capacity = max(capacity, 1)
  }

  /// The token and principal stored for `hash`, if stored at most `timeToLive` before `now`. An entry from the
  /// future (the clock went back) counts as expired.
  func lookUp(hash: String, at now: Date) -> (token: APIToken, principal: Principal)? {
    entries.withLock { entries in
      guard let entry = entries[hash] else { return nil }
      let age = now.timeIntervalSince(entry.storedAt)
      guard age >= 0, age < timeToLive else {
        entries[hash] = nil
        return nil
      }
      return (entry.token, entry.principal)
    }
  }

  /// Remembers a live token under its stored hash, making room first when full.
  func store(_ token: APIToken, principal: Principal, hash: String, at now: Date) {
    guard timeToLive > 0 else { return }
    entries.withLock { entries in
      if entries[hash] == nil, entries.count >= capacity {
        entries = entries.filter { _, entry in
          let age = now.timeIntervalSince(entry.storedAt)
          return age >= 0 && age < timeToLive
        }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.storedAt < $1.value.storedAt })
        {
          entries[oldest.key] = nil
        }
      }
      entries[hash] = Entry(token: token, principal: principal, storedAt: now)
    }
  }

  /// Forgets token `id` (revoked here, so it must stop working now, not after the time to live).
  func forget(tokenID id: Int64) {
    entries.withLock { entries in entries = entries.filter { $0.value.token.id != id } }
  }

  /// Entries held (tests).
  var count: Int { entries.withLock { $0.count } }
}
