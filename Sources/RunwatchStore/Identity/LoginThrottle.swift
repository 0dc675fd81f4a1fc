import Foundation
import RunwatchCore
import SQLiteDB

/// When sign-in slows down. After `maxFailuresPerAccount` failures for one e-mail (or
/// `maxFailuresPerAddress` from one address) inside `window`, further attempts are refused until `lockout`
/// after the latest failure. An address gets a higher limit because many people can share one (NAT, proxy).
public struct LoginThrottleSettings: Sendable, Equatable {
  /// Failures per account before slowing down.
  public var maxFailuresPerAccount: Int
  /// Failures per client address before slowing down.
  public var maxFailuresPerAddress: Int
  /// How far back failures count (seconds).
  public var window: TimeInterval
  /// How long to wait after the latest failure once over a limit (seconds).
  public var lockout: TimeInterval

  /// Creates settings; defaults: 5 per account, 20 per address, within 15 minutes, wait 5 minutes.
  public init(
    maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60,
    lockout: TimeInterval = 5 * 60
  ) {
    self.maxFailuresPerAccount = maxFailuresPerAccount
    self.maxFailuresPerAddress = maxFailuresPerAddress
    self.window = window
    self.lockout = lockout
  }
}

extension RunwatchDatabase {
  /// The time sign-in may be tried again for `email` from `address`, or nil when it may be tried now.
  /// A successful sign-in clears the account's count (not the address's, which an attacker with one valid
  /// account could otherwise reset).
  public func loginRetryTime(
    email: String, address: String, settings: LoginThrottleSettings, at time: Date
  ) throws -> Date? {
    let account = Self.normalizedEmail(email)
    let windowStart = time.addingTimeInterval(-settings.window)
    return try pool.read { connection in
      let lastSuccess = try connection.queryOne(
        "SELECT MAX(attempted_at) AS at FROM login_attempts WHERE account = ? AND succeeded = 1", [account]
      )?.date("at")
      let accountSince = max(windowStart, lastSuccess ?? windowStart)
      let byAccount = try connection.queryOne(
        """
        SELECT COUNT(*) AS n, MAX(attempted_at) AS latest FROM login_attempts
        WHERE account = ? AND succeeded = 0 AND attempted_at > ?
        """, [account, accountSince])
      let byAddress = try connection.queryOne(
        """
        SELECT COUNT(*) AS n, MAX(attempted_at) AS latest FROM login_attempts
        WHERE address = ? AND succeeded = 0 AND attempted_at > ?
        """, [address, windowStart])
      var retryTimes: [Date] = []
      for (row, limit) in [
        (byAccount, settings.maxFailuresPerAccount), (byAddress, settings.maxFailuresPerAddress),
      ] {
        guard let row, let latest = row.date("latest"), (row.int64("n") ?? 0) >= Int64(limit) else {
          continue
        }
        let retry = latest.addingTimeInterval(settings.lockout)
        if retry > time { retryTimes.append(retry) }
      }
      return retryTimes.max()
    }
  }

  /// Records one sign-in attempt and forgets attempts older than the window.
  public func recordLoginAttempt(
    email: String, address: String, succeeded: Bool, settings: LoginThrottleSettings, at time: Date
  ) throws {
    let cutoff = time.addingTimeInterval(-settings.window)
    try pool.writeTransaction { connection in
      try connection.execute(
        "INSERT INTO login_attempts (account, address, succeeded, attempted_at) VALUES (?, ?, ?, ?)",
        [Self.normalizedEmail(email), address, succeeded, time])
      try connection.execute("DELETE FROM login_attempts WHERE attempted_at < ?", [cutoff])
    }
  }
}
