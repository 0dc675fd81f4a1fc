import CSodium

/// Signs webhook bodies: HMAC-SHA-256 (libsodium `crypto_auth_hmacsha256`, RFC 2104 with SHA-256) of
/// `"<timestamp>.<body>"` under the webhook's secret, sent as `X-Runwatch-Signature: sha256=<hex>` beside
/// `X-Runwatch-Timestamp: <timestamp>`. Signing the timestamp with the body lets a receiver refuse a replayed
/// request by its age without trusting an unsigned header.
public enum WebhookSignature {
  /// HMAC-SHA-256 of `message` under `key` (any length; libsodium hashes a key longer than the block size as
  /// RFC 2104 says).
  public static func hmacSHA256(key: [UInt8], message: [UInt8]) throws(SecretKitError) -> [UInt8] {
    try Sodium.ensureInitialized()
    var state = crypto_auth_hmacsha256_state()
    var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_bytes()))
    // Arrays pass as pointers to their (possibly empty) storage, valid for the call.
    _ = crypto_auth_hmacsha256_init(&state, key, key.count)
    _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
    _ = crypto_auth_hmacsha256_final(&state, &mac)
    return mac
  }

  /// The `X-Runwatch-Signature` value for `body` sent at `timestamp` (Unix seconds): `sha256=` and the
  /// lower-case hex HMAC of `"<timestamp>.<body>"` keyed with the UTF-8 bytes of `secret`.
  public static func header(secret: String, timestamp: Int64, body: [UInt8]) throws(SecretKitError) -> String
  {
    let message = Array("\(timestamp).".utf8) + body
    return "sha256=" + Secrets.hex(try hmacSHA256(key: Array(secret.utf8), message: message))
  }

  /// A new webhook secret: 32 random bytes, base64url (`whsec_` + 43 characters).
  public static func newSecret() throws(SecretKitError) -> String {
    "whsec_" + (try Secrets.randomToken(byteCount: 32))
  }
}
