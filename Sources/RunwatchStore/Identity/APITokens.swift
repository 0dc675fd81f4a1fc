import Foundation
import RunwatchCore
import SecretKit
import StorageEngine

/// A worker API token as listed: everything but the secret, which is shown once at creation and stored only as
/// a SHA-256 digest.
public struct APIToken: Sendable, Equatable, Identifiable {
  /// Row id (what `token revoke --id` takes).
  public var id: Int64
  /// The workspace whose runs the token reaches (only that one).
  public var workspaceID: Int64
  /// Human label (`ci-worker`).
  public var name: String
  /// When it was created.
  public var createdAt: Date
  /// When it last authenticated a request (recorded at most once a minute).
  public var lastUsedAt: Date?
  /// When it was revoked; revoked tokens never authenticate again.
  public var revokedAt: Date?
  /// Whether it may only read runs (`token create --read-only`): every report is refused with 403.
  public var isReadOnly: Bool = false

  /// Whether the token was revoked.
  public var isRevoked: Bool { revokedAt != nil }
}

/// A token just created: the secret to hand over once, and its listing.
public struct IssuedAPIToken: Sendable {
  /// The bearer secret (`rwt_…`). Not stored anywhere; show it once.
  public var secret: String
  /// The stored token.
  public var token: APIToken
}

extension RunwatchDatabase {
  /// Prefix of every token secret, so secret scanners and people can recognise a leaked one.
  public static let apiTokenPrefix = "rwt_"

  /// Creates a token for `workspaceID` named `name` and returns its secret (256 random bits).
  /// A read-only token may list and read runs but reports nothing.
  public func createAPIToken(workspaceID: Int64, name: String, readOnly: Bool = false, at time: Date) throws
    -> IssuedAPIToken
  {
    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty else { throw IdentityError.invalid("a token needs a name") }
    let secret = Self.apiTokenPrefix + (try Secrets.randomToken())
    let hash = try Secrets.sha256Hex(secret)
    return try pool.writeTransaction { connection in
      _ = try Self.workspaceSlug(id: workspaceID, in: connection)
      let id = try connection.insert(
        "INSERT INTO api_tokens (workspace_id, name, token_hash, created_at, read_only) VALUES (?, ?, ?, ?, ?)",
        [workspaceID, name, hash, time, readOnly])
      let token = APIToken(
        id: id, workspaceID: workspaceID, name: name, createdAt: time, lastUsedAt: nil, revokedAt: nil,
        isReadOnly: readOnly)
      return IssuedAPIToken(secret: secret, token: token)
    }
  }

  /// Every token of a workspace, oldest first (revoked ones included, marked).
  public func apiTokens(workspaceID: Int64) throws -> [APIToken] {
    try pool.read { connection in
      try connection.query(
        """
        SELECT id, workspace_id, name, created_at, last_used_at, revoked_at, read_only FROM api_tokens
        WHERE workspace_id = ? ORDER BY id
        """, [workspaceID]
      ).map(Self.apiToken(row:))
    }
  }

  /// One token by id, or nil.
  public func apiToken(id: Int64) throws -> APIToken? {
    try pool.read { connection in
      try connection.queryOne(
        "SELECT id, workspace_id, name, created_at, last_used_at, revoked_at, read_only FROM api_tokens WHERE id = ?",
        [id]
      ).map(Self.apiToken(row:))
    }
  }

  /// Revokes a token (idempotent: the first revocation time is kept). Throws when no such token exists.
  public func revokeAPIToken(id: Int64, at time: Date) throws {
    try pool.writeTransaction { connection in
      guard
        try connection.execute(
          "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [time, id]) == 1
      else { throw IdentityError.unknownToken(id: id) }
    }
  }

  /// The live token whose secret is `secret`, or nil (unknown, malformed or revoked). Records the use at most
  /// once a minute so busy workers do not turn every request into a write.
  public func authenticateAPIToken(secret: String, at time: Date) throws -> APIToken? {
    guard let hash = try Self.apiTokenHash(secret: secret) else { return nil }
    return try authenticateAPIToken(hash: hash, at: time)
  }

  /// What `api_tokens.token_hash` stores for `secret` (hex SHA-256), or nil when `secret` cannot be a token
  /// (wrong prefix, over 256 bytes) and so is refused without a lookup.
  static func apiTokenHash(secret: String) throws -> String? {
    guard secret.hasPrefix(Self.apiTokenPrefix), secret.utf8.count <= 256 else { return nil }
    return try Secrets.sha256Hex(secret)
  }

  /// `authenticateAPIToken(secret:at:)` for a secret already hashed with `apiTokenHash(secret:)`.
  func authenticateAPIToken(hash: String, at time: Date) throws -> APIToken? {
    let found = try pool.read { connection in
      try connection.queryOne(
        """
        SELECT id, workspace_id, name, created_at, last_used_at, revoked_at, read_only FROM api_tokens
        WHERE token_hash = ? AND revoked_at IS NULL
        """, [hash]
      ).map(Self.apiToken(row:))
    }
    guard var token = found else { return nil }
    if token.lastUsedAt.map({ time.timeIntervalSince($0) >= 60 }) ?? true {
      try pool.write { connection in
        try connection.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [time, token.id])
      }
      token.lastUsedAt = time
    }
    return token
  }

  static func apiToken(row: Row) throws -> APIToken {
    guard let id = row.int64("id"), let workspaceID = row.int64("workspace_id"),
      let createdAt = row.date("created_at")
    else { throw StoreError.corruptRow(table: "api_tokens") }
    return APIToken(
      id: id, workspaceID: workspaceID, name: row.string("name") ?? "", createdAt: createdAt,
      lastUsedAt: row.date("last_used_at"), revokedAt: row.date("revoked_at"),
      isReadOnly: row.int64("read_only") == 1)
  }
}
