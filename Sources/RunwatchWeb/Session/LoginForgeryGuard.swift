import Foundation
import SecretKit

/// CSRF protection for the sign-in form, which is posted before any session exists (login CSRF would sign a
/// victim into the attacker's account).
///
/// A signed double-submit: the browser holds a random `runwatch_csrf` cookie and the form carries
/// HMAC-SHA256(server key, cookie). A cross-site page can neither read the cookie nor compute the HMAC, and a
/// cookie planted from elsewhere is useless without the key. The key is random per process, so a restart
/// expires open sign-in forms (the form then says so).
public struct LoginForgeryGuard: Sendable {
  private let key: [UInt8]

  /// A guard with a fresh random key.
  public init() throws {
    key = try Secrets.randomBytes(count: 32)
  }

  /// A guard with a given key (tests).
  init(key: [UInt8]) {
    self.key = key
  }

  /// A new random cookie value.
  func newCookieValue() throws -> String { try Secrets.randomToken() }

  /// Whether `value` could be a cookie we issued (43 base64url characters); anything else is replaced.
  func isWellFormed(_ value: String?) -> Bool {
    guard let value, value.utf8.count == 43 else { return false }
    return value.utf8.allSatisfy { byte in
      byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || (48...57).contains(byte)
        || (65...90).contains(byte) || (97...122).contains(byte)
    }
  }

  /// The form token bound to `cookieValue`.
  func token(forCookie cookieValue: String) throws -> String {
    Secrets.base64URLEncoded(
      try Self.hmacSHA256(key: key, message: Array("runwatch.login-csrf.v1:\(cookieValue)".utf8)))
  }

  /// Whether `token` is the one bound to `cookieValue` (constant-time).
  func isValid(token: String?, cookieValue: String?) -> Bool {
    guard let token, let cookieValue, isWellFormed(cookieValue),
      let expected = try? self.token(forCookie: cookieValue)
    else { return false }
    return Secrets.constantTimeEquals(token, expected)
  }

  /// HMAC-SHA256 (RFC 2104) over libsodium's SHA-256.
  static func hmacSHA256(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
    let blockSize = 64
    var block = key.count > blockSize ? try Secrets.sha256(key) : key
    block += [UInt8](repeating: 0, count: blockSize - block.count)
    let inner = try Secrets.sha256(block.map { $0 ^ 0x36 } + message)
    return try Secrets.sha256(block.map { $0 ^ 0x5c } + inner)
  }
}
