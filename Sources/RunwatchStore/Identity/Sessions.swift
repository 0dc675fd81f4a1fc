import Foundation
import RunwatchCore
import SecretKit
import StorageEngine

/// How long a sign-in lasts.
public struct SessionSettings: Sendable, Equatable {
  /// A session unused for this long ends (seconds).
  public var idleTimeout: TimeInterval
  /// A session ends this long after sign-in however busy it is (seconds).
  public var absoluteLifetime: TimeInterval
  /// `last_seen_at` is rewritten at most this often (seconds), so reading pages does not write on every hit.
  public var touchInterval: TimeInterval

  /// Creates settings; defaults: 30 minutes idle, 12 hours absolute, touch once a minute.
  public init(
    idleTimeout: TimeInterval = 30 * 60, absoluteLifetime: TimeInterval = 12 * 3600,
    touchInterval: TimeInterval = 60
  ) {
    self.idleTimeout = idleTimeout
    self.absoluteLifetime = absoluteLifetime
    self.touchInterval = touchInterval
  }
}

/// A live sign-in session, as validated from its cookie value.
public struct Session: Sendable, Equatable {
  /// The signed-in user.
  public var userID: Int64
  /// The workspace the user picked, if any (must still be a member when used).
  public var currentWorkspaceID: Int64?
  /// When the user signed in.
  public var createdAt: Date
  /// Last activity recorded.
  public var lastSeenAt: Date
  /// When it ends if unused.
  public var idleExpiresAt: Date
  /// When it ends regardless.
  public var absoluteExpiresAt: Date
  /// The CSRF token every state-changing form of this session must carry (hidden field `csrf_token`).
  public var csrfToken: String
}

/// A session just created: the cookie value to set and the session.
public struct IssuedSession: Sendable, Equatable {
  /// The value for the `runwatch_session` cookie (256 random bits, base64url). Stored only hashed.
  public var cookieValue: String
  /// The session.
  public var session: Session
}

/// Session ids and CSRF tokens.
public enum SessionSecrets {
  /// The CSRF token of the session whose cookie value is `sessionID`: a digest of the id under its own label,
  /// so it is tied to the session, changes with it, needs no storage, and cannot be derived from the stored
  /// `id_hash` (a different digest) nor reveals the id.
  public static func csrfToken(forSessionID sessionID: String) throws -> String {
    Secrets.base64URLEncoded(try Secrets.sha256(Array("runwatch.csrf.v1:\(sessionID)".utf8)))
  }

  /// Whether `token` is the CSRF token of `sessionID` (constant-time).
  public static func isValidCSRFToken(_ token: String, forSessionID sessionID: String) -> Bool {
    guard let expected = try? csrfToken(forSessionID: sessionID) else { return false }
    return Secrets.constantTimeEquals(token, expected)
  }

  static func storedHash(of sessionID: String) throws -> String { try Secrets.sha256Hex(sessionID) }
}

extension RunwatchDatabase {
  /// Starts a session for `userID` with a fresh random id. Pass the cookie value of any session the browser
  /// already carried as `replacing`: it is destroyed, so an id planted before sign-in is worthless after it.
  public func createSession(
    userID: Int64, currentWorkspaceID: Int64? = nil, replacing previousID: String? = nil,
    settings: SessionSettings, at time: Date
  ) throws -> IssuedSession {
    let cookieValue = try Secrets.randomToken()
    let hash = try SessionSecrets.storedHash(of: cookieValue)
    let previousHash = try previousID.map(SessionSecrets.storedHash(of:))
    let absolute = time.addingTimeInterval(settings.absoluteLifetime)
    try pool.writeTransaction { connection in
      if let previousHash { try connection.execute("DELETE FROM sessions WHERE id_hash = ?", [previousHash]) }
      try connection.execute(
        """
        INSERT INTO sessions (id_hash, user_id, current_workspace_id, created_at, last_seen_at, absolute_expires_at)
        VALUES (?, ?, ?, ?, ?, ?)
        """, [hash, userID, currentWorkspaceID, time, time, absolute])
    }
    let session = Session(
      userID: userID, currentWorkspaceID: currentWorkspaceID, createdAt: time, lastSeenAt: time,
      idleExpiresAt: time.addingTimeInterval(settings.idleTimeout), absoluteExpiresAt: absolute,
      csrfToken: try SessionSecrets.csrfToken(forSessionID: cookieValue))
    return IssuedSession(cookieValue: cookieValue, session: session)
  }

  /// The live session for a cookie value, or nil when unknown or expired (idle or absolute). Read-only.
  public func validateSession(_ cookieValue: String, settings: SessionSettings, at time: Date) throws
    -> Session?
  {
    guard let hash = try Self.sessionHash(cookieValue) else { return nil }
    return try pool.read { connection in
      try Self.liveSession(hash: hash, cookieValue: cookieValue, settings: settings, at: time, in: connection)
    }
  }

  /// Like `validateSession`, and records the activity (pushing the idle expiry forward) when the last record
  /// is older than `settings.touchInterval`. Expired sessions found here are deleted.
  public func touchSession(_ cookieValue: String, settings: SessionSettings, at time: Date) throws -> Session?
  {
    guard let hash = try Self.sessionHash(cookieValue) else { return nil }
    return try pool.writeTransaction { connection in
      guard
        var session = try Self.liveSession(
          hash: hash, cookieValue: cookieValue, settings: settings, at: time, in: connection)
      else {
        try connection.execute("DELETE FROM sessions WHERE id_hash = ?", [hash])
        return nil
      }
      if time.timeIntervalSince(session.lastSeenAt) >= settings.touchInterval {
        try connection.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", [time, hash])
        session.lastSeenAt = time
        session.idleExpiresAt = min(time.addingTimeInterval(settings.idleTimeout), session.absoluteExpiresAt)
      }
      return session
    }
  }

  /// Ends the session (sign-out). Returns whether one existed.
  @discardableResult
  public func destroySession(_ cookieValue: String) throws -> Bool {
    guard let hash = try Self.sessionHash(cookieValue) else { return false }
    return try pool.writeTransaction { connection in
      return try connection.execute("DELETE FROM sessions WHERE id_hash = ?", [hash]) == 1
    }
  }

  /// Ends every session of a user (password change, account removal). Returns how many ended.
  @discardableResult
  public func destroySessions(userID: Int64) throws -> Int {
    try pool.writeTransaction { connection in
      return try connection.execute("DELETE FROM sessions WHERE user_id = ?", [userID])
    }
  }

  /// Records the workspace the user picked. Refused (false) unless the session is live and the user is a
  /// member of that workspace.
  public func setCurrentWorkspace(
    _ workspaceID: Int64, forSession cookieValue: String, settings: SessionSettings, at time: Date
  ) throws -> Bool {
    guard let hash = try Self.sessionHash(cookieValue) else { return false }
    return try pool.writeTransaction { connection in
      guard
        let session = try Self.liveSession(
          hash: hash, cookieValue: cookieValue, settings: settings, at: time, in: connection),
        try connection.queryOne(
          "SELECT 1 FROM memberships WHERE user_id = ? AND workspace_id = ?", [session.userID, workspaceID])
          != nil
      else { return false }
      try connection.execute(
        "UPDATE sessions SET current_workspace_id = ? WHERE id_hash = ?", [workspaceID, hash])
      return true
    }
  }

  /// Deletes sessions past their absolute or idle expiry; returns how many.
  @discardableResult
  public func purgeExpiredSessions(settings: SessionSettings, at time: Date) throws -> Int {
    let idleCutoff = time.addingTimeInterval(-settings.idleTimeout)
    return try pool.writeTransaction { connection in
      return try connection.execute(
        "DELETE FROM sessions WHERE absolute_expires_at <= ? OR last_seen_at <= ?", [time, idleCutoff])
    }
  }

  /// The stored hash for a plausible cookie value; nil for values that cannot be ours (wrong length/alphabet),
  /// so junk cookies cost no database work.
  static func sessionHash(_ cookieValue: String) throws -> String? {
    guard cookieValue.utf8.count == 43,
      cookieValue.utf8.allSatisfy({
        $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0)
          || (97...122).contains($0)
      })
    else { return nil }
    return try SessionSecrets.storedHash(of: cookieValue)
  }

  static func liveSession(
    hash: String, cookieValue: String, settings: SessionSettings, at time: Date,
    in connection: any DatabaseConnection
  ) throws -> Session? {
    guard
      let row = try connection.queryOne(
        """
        SELECT user_id, current_workspace_id, created_at, last_seen_at, absolute_expires_at FROM sessions
        WHERE id_hash = ?
        """, [hash])
    else { return nil }
    guard let userID = row.int64("user_id"), let createdAt = row.date("created_at"),
      let lastSeenAt = row.date("last_seen_at"), let absolute = row.date("absolute_expires_at")
    else { throw StoreError.corruptRow(table: "sessions") }
    let idleExpiry = min(lastSeenAt.addingTimeInterval(settings.idleTimeout), absolute)
    guard time < idleExpiry else { return nil }
    return Session(
      userID: userID, currentWorkspaceID: row.int64("current_workspace_id"), createdAt: createdAt,
      lastSeenAt: lastSeenAt, idleExpiresAt: idleExpiry, absoluteExpiresAt: absolute,
      csrfToken: try SessionSecrets.csrfToken(forSessionID: cookieValue))
  }
}
