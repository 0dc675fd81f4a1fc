import Foundation
import RunwatchCore
import StorageEngine

/// When sign-in slows down.
///
/// - **Per account**: after `maxFailuresPerAccount` failures for one e-mail inside `window` (from any address,
///   counted since its last successful sign-in), that account is refused until `lockout` after its latest
///   failure, whoever asks.
/// - **Per address, only against many unknown accounts**: once one address has failed against
///   `maxUnknownAccountsPerAddress` distinct e-mails that belong to no user (credential stuffing, enumeration),
///   accounts that have failed *from that address* are refused until `lockout` after the latest such unknown
///   failure, and every other attempt from there is refused unless its password is right. A correct password for
///   an account that has not failed itself always gets in: behind a reverse proxy every user shares one address,
///   and one person's typos or an attacker's guesses must not lock the others out.
public struct LoginThrottleSettings: Sendable, Equatable {
  /// Failures per account before slowing down.
  public var maxFailuresPerAccount: Int
  /// Distinct unknown accounts failed from one address before that address slows down.
  public var maxUnknownAccountsPerAddress: Int
  /// How far back failures count (seconds).
  public var window: TimeInterval
  /// How long to wait after the latest failure once over a limit (seconds).
  public var lockout: TimeInterval

  /// Creates settings; defaults: 5 per account, 20 unknown accounts per address, within 15 minutes, wait 5
  /// minutes.
  public init(
    maxFailuresPerAccount: Int = 5, maxUnknownAccountsPerAddress: Int = 20, window: TimeInterval = 15 * 60,
    lockout: TimeInterval = 5 * 60
  ) {
    self.maxFailuresPerAccount = maxFailuresPerAccount
    self.maxUnknownAccountsPerAddress = maxUnknownAccountsPerAddress
    self.window = window
    self.lockout = lockout
  }
}

/// Where sign-in for one account from one address stands (see `LoginThrottleSettings`).
public struct LoginThrottleState: Sendable, Equatable {
  /// Refused outright until then: the account is over its limit, or the address is over its limit and this
  /// account has failed from it.
  public var refusedUntil: Date?
  /// The address is over its unknown-account limit until then: a wrong password (or unknown account) is
  /// answered as throttled, a right one still signs in.
  public var addressSlowedUntil: Date?

  /// No limit applies.
  public static let open = LoginThrottleState(refusedUntil: nil, addressSlowedUntil: nil)

  /// Creates a state.
  public init(refusedUntil: Date?, addressSlowedUntil: Date?) {
    self.refusedUntil = refusedUntil
    self.addressSlowedUntil = addressSlowedUntil
  }

  /// When a failed attempt may be tried again (nil: now).
  public var retryTimeAfterFailure: Date? {
    [refusedUntil, addressSlowedUntil].compactMap { $0 }.max()
  }
}

extension RunwatchDatabase {
  /// Where sign-in for `email` from `address` stands at `time`.
  public func loginThrottleState(
    email: String, address: String, settings: LoginThrottleSettings, at time: Date
  ) throws -> LoginThrottleState {
    let account = Self.normalizedEmail(email)
    let windowStart = time.addingTimeInterval(-settings.window)
    func retry(after latest: Date?, count: Int64?, limit: Int) -> Date? {
      guard let latest, (count ?? 0) >= Int64(limit) else { return nil }
      let retry = latest.addingTimeInterval(settings.lockout)
      return retry > time ? retry : nil
    }
    return try pool.read { connection in
      // A success clears the account's count (not the address's, which an attacker holding one valid account
      // could otherwise reset).
      let lastSuccess = try connection.queryOne(
        "SELECT MAX(attempted_at) AS at FROM login_attempts WHERE account = ? AND succeeded = 1", [account]
      )?.date("at")
      let accountSince = max(windowStart, lastSuccess ?? windowStart)
      let byAccount = try connection.queryOne(
        """
        SELECT COUNT(*) AS n, MAX(attempted_at) AS latest,
          COUNT(CASE WHEN address = ? THEN 1 END) AS from_address FROM login_attempts
        WHERE account = ? AND succeeded = 0 AND attempted_at > ?
        """, [address, account, accountSince])
      let unknownFromAddress = try connection.queryOne(
        """
        SELECT COUNT(DISTINCT a.account) AS n, MAX(a.attempted_at) AS latest FROM login_attempts a
        WHERE a.address = ? AND a.succeeded = 0 AND a.attempted_at > ?
          AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = a.account)
        """, [address, windowStart])
      let accountRetry = retry(
        after: byAccount?.date("latest"), count: byAccount?.int64("n"), limit: settings.maxFailuresPerAccount)
      let addressRetry = retry(
        after: unknownFromAddress?.date("latest"), count: unknownFromAddress?.int64("n"),
        limit: settings.maxUnknownAccountsPerAddress)
      let failedFromAddress = (byAccount?.int64("from_address") ?? 0) > 0
      let refused = [accountRetry, failedFromAddress ? addressRetry : nil].compactMap { $0 }.max()
      return LoginThrottleState(refusedUntil: refused, addressSlowedUntil: addressRetry)
    }
  }

  /// The time sign-in may be tried again for `email` from `address` whatever the password, or nil when it may
  /// be tried now (a slowed-down address still lets a right password in; see `loginThrottleState`).
  public func loginRetryTime(
    email: String, address: String, settings: LoginThrottleSettings, at time: Date
  ) throws -> Date? {
    try loginThrottleState(email: email, address: address, settings: settings, at: time).refusedUntil
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
