import Foundation
import RunwatchCore
import SecretKit
import StorageEngine
import Synchronization

/// The outcome of a sign-in attempt.
public enum SignInResult: Sendable, Equatable {
  /// Signed in: set `session.cookieValue` as the `runwatch_session` cookie.
  case signedIn(user: User, session: IssuedSession)
  /// Wrong e-mail or password (deliberately not saying which).
  case invalidCredentials
  /// Too many failures for this account or address; try again at `retryAt`.
  case throttled(retryAt: Date)
}

/// Sign-in, sessions and tokens with the clock, hashing cost and limits in force. The web app and the CLI call
/// this; the `RunwatchDatabase` extensions beneath take explicit times for finer use.
public final class IdentityService: Sendable {
  /// The database.
  public let database: RunwatchDatabase
  /// Source of "now".
  public let clock: any TimeSource
  /// Password hashing (cost).
  public let hasher: PasswordHasher
  /// Session lifetimes.
  public let sessionSettings: SessionSettings
  /// Sign-in slow-down.
  public let throttleSettings: LoginThrottleSettings
  /// Verified against when the e-mail is unknown, so unknown and known accounts take the same time. Made on
  /// first use: commands that never sign anyone in should not pay for a hash.
  private let decoyHash = Mutex<String?>(nil)
  /// Worker tokens that authenticated in the last moments (see `principal(bearerToken:)`).
  let tokenCache: APITokenCache

  /// Creates the service. Tests pass `PasswordHasher(cost: .minimum)` to stay fast.
  public convenience init(
    database: RunwatchDatabase, clock: any TimeSource, hasher: PasswordHasher = PasswordHasher(),
    sessionSettings: SessionSettings = SessionSettings(),
    throttleSettings: LoginThrottleSettings = LoginThrottleSettings()
  ) {
    self.init(
      database: database, clock: clock, hasher: hasher, sessionSettings: sessionSettings,
      throttleSettings: throttleSettings, tokenCache: APITokenCache())
  }

  /// Creates the service with its own token cache (tests choose its time to live and capacity).
  init(
    database: RunwatchDatabase, clock: any TimeSource, hasher: PasswordHasher = PasswordHasher(),
    sessionSettings: SessionSettings = SessionSettings(),
    throttleSettings: LoginThrottleSettings = LoginThrottleSettings(), tokenCache: APITokenCache
  ) {
    self.tokenCache = tokenCache
    self.database = database
    self.clock = clock
    self.hasher = hasher
    self.sessionSettings = sessionSettings
    self.throttleSettings = throttleSettings
  }

  private func decoy() throws -> String {
    if let existing = decoyHash.withLock({ $0 }) { return existing }
    let made = try hasher.hash(try Secrets.randomToken())
    return decoyHash.withLock { stored in
      if let stored { return stored }
      stored = made
      return made
    }
  }

  /// Adds a user with a password (hashed with Argon2id here; the clear text goes nowhere else).
  public func addUser(email: String, name: String, password: String) throws -> User {
    guard !password.isEmpty else { throw IdentityError.invalid("the password must not be empty") }
    return try database.addUser(
      email: email, name: name, passwordHash: try hasher.hash(password), at: clock.now())
  }

  /// Sets a user's password and ends all their sessions.
  public func setPassword(userID: Int64, to password: String) throws {
    guard !password.isEmpty else { throw IdentityError.invalid("the password must not be empty") }
    guard try database.setPasswordHash(userID: userID, to: try hasher.hash(password)) else {
      throw IdentityError.unknownUserID(userID)
    }
    try database.destroySessions(userID: userID)
  }

  /// Checks credentials with throttling and, on success, starts a fresh session (destroying
  /// `previousSessionID`, the cookie the browser came with, against session fixation).
  ///
  /// `address` is the client's address (behind a trusted proxy, the one it forwarded). An account over its limit,
  /// or one that failed from an address that is over its unknown-account limit, is refused before any password
  /// is checked. From such an address every other attempt is checked and, unless the password is right, answered
  /// as throttled — unknown accounts and wrong passwords alike, so the answer does not tell which e-mails exist.
  public func signIn(
    email: String, password: String, address: String, replacing previousSessionID: String? = nil
  )
    throws -> SignInResult
  {
    let now = clock.now()
    let before = try database.loginThrottleState(
      email: email, address: address, settings: throttleSettings, at: now)
    if let retryAt = before.refusedUntil { return .throttled(retryAt: retryAt) }
    let credentials = try database.credentials(email: email)
    let storedHash = credentials?.passwordHash
    let matches = hasher.verify(password, against: try storedHash ?? decoy()) && storedHash != nil
    try database.recordLoginAttempt(
      email: email, address: address, succeeded: matches, settings: throttleSettings, at: now)
    guard matches, let user = credentials?.user, let storedHash else {
      let after = try database.loginThrottleState(
        email: email, address: address, settings: throttleSettings, at: now)
      if let retryAt = after.retryTimeAfterFailure { return .throttled(retryAt: retryAt) }
      return .invalidCredentials
    }
    if hasher.needsRehash(storedHash) {
      try database.setPasswordHash(userID: user.id, to: try hasher.hash(password))
    }
    let firstWorkspace = try database.memberships(userID: user.id).first?.workspaceID
    let session = try database.createSession(
      userID: user.id, currentWorkspaceID: firstWorkspace, replacing: previousSessionID,
      settings: sessionSettings, at: now)
    return .signedIn(user: user, session: session)
  }

  /// When sign-in may be tried again for `email` from `address` whatever the password (nil: now).
  public func loginRetryTime(email: String, address: String) throws -> Date? {
    try database.loginRetryTime(email: email, address: address, settings: throttleSettings, at: clock.now())
  }

  /// Starts a session without a password (trusted-header mode, after the proxy vouched for the user).
  public func createSession(userID: Int64, replacing previousSessionID: String? = nil) throws -> IssuedSession
  {
    let firstWorkspace = try database.memberships(userID: userID).first?.workspaceID
    return try database.createSession(
      userID: userID, currentWorkspaceID: firstWorkspace, replacing: previousSessionID,
      settings: sessionSettings,
      at: clock.now())
  }

  /// The live session for a cookie value (read-only), or nil when unknown or expired.
  public func validateSession(_ cookieValue: String) throws -> Session? {
    try database.validateSession(cookieValue, settings: sessionSettings, at: clock.now())
  }

  /// The live session for a cookie value with its activity recorded, or nil when unknown or expired.
  public func touchSession(_ cookieValue: String) throws -> Session? {
    try database.touchSession(cookieValue, settings: sessionSettings, at: clock.now())
  }

  /// Signs out.
  @discardableResult
  public func destroySession(_ cookieValue: String) throws -> Bool {
    try database.destroySession(cookieValue)
  }

  /// Switches the session's current workspace; false unless the session is live and the user a member there.
  public func setCurrentWorkspace(_ workspaceID: Int64, forSession cookieValue: String) throws -> Bool {
    try database.setCurrentWorkspace(
      workspaceID, forSession: cookieValue, settings: sessionSettings, at: clock.now())
  }

  /// The principal behind a session cookie (touching the session), or nil when signed out or expired.
  public func principal(forSession cookieValue: String) throws -> (session: Session, principal: Principal)? {
    guard let session = try touchSession(cookieValue),
      let principal = try database.principal(userID: session.userID)
    else { return nil }
    return (session, principal)
  }

  /// The principal behind an `Authorization: Bearer` secret, or nil (unknown, malformed, revoked → 401).
  ///
  /// A token that authenticated less than `tokenCache.timeToLive` (≤ 2 s) ago is answered from memory without
  /// reading the database, so **a revocation made by another process takes effect within that time**, not on
  /// the very next request (see `APITokenCache`; docs/workers.md says so to workers' operators).
  public func principal(bearerToken secret: String) throws -> Principal? {
    guard let hash = try RunwatchDatabase.apiTokenHash(secret: secret) else { return nil }
    let now = clock.now()
    if let cached = tokenCache.lookUp(hash: hash, at: now) { return cached.principal }
    guard let token = try database.authenticateAPIToken(hash: hash, at: now) else { return nil }
    let principal = database.principal(token: token)
    tokenCache.store(token, principal: principal, hash: hash, at: now)
    return principal
  }

  /// Creates a worker token for a workspace; the returned secret is shown once and never stored.
  public func createAPIToken(workspaceID: Int64, name: String, readOnly: Bool = false) throws
    -> IssuedAPIToken
  {
    try database.createAPIToken(workspaceID: workspaceID, name: name, readOnly: readOnly, at: clock.now())
  }

  /// Revokes a worker token; this service stops accepting it at once (other processes within the token
  /// cache's time to live).
  public func revokeAPIToken(id: Int64) throws {
    try database.revokeAPIToken(id: id, at: clock.now())
    tokenCache.forget(tokenID: id)
  }
}
