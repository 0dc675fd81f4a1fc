import CSodium
import Foundation

/// Random secrets, digests for storing them, and comparisons that do not leak where two secrets differ.
public enum Secrets {
  /// `count` bytes from libsodium's CSPRNG (the kernel's `getrandom`).
  public static func randomBytes(count: Int) throws(SecretKitError) -> [UInt8] {
    try Sodium.ensureInitialized()
    var bytes = [UInt8](repeating: 0, count: max(0, count))
    bytes.withUnsafeMutableBytes { buffer in
      if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
    }
    return bytes
  }

  /// A random token of `byteCount` bytes (default 32 = 256 bits) in unpadded base64url, safe in cookies,
  /// headers and URLs without escaping.
  public static func randomToken(byteCount: Int = 32) throws(SecretKitError) -> String {
    base64URLEncoded(try randomBytes(count: byteCount))
  }

  /// Unpadded base64url (RFC 4648 §5) of `bytes`.
  public static func base64URLEncoded(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// SHA-256 of `bytes` (libsodium `crypto_hash_sha256`).
  public static func sha256(_ bytes: [UInt8]) throws(SecretKitError) -> [UInt8] {
    try Sodium.ensureInitialized()
    var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_bytes()))
    bytes.withUnsafeBufferPointer { input in
      _ = crypto_hash_sha256(&digest, input.baseAddress, UInt64(input.count))
    }
    return digest
  }

  /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`: how session ids and API tokens are stored, so a
  /// copy of the database does not contain anything that can be presented as a credential. (A plain hash is
  /// enough because the secrets themselves are 256-bit random values, not guessable passwords.)
  public static func sha256Hex(_ text: String) throws(SecretKitError) -> String {
    hex(try sha256(Array(text.utf8)))
  }

  /// Lower-case hex of `bytes`.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether `a` and `b` hold the same bytes, in time that depends only on the length (libsodium
  /// `sodium_memcmp`). Lengths are not secret for our fixed-size tokens and digests.
  public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { left in
      b.withUnsafeBytes { right in sodium_memcmp(left.baseAddress!, right.baseAddress!, a.count) == 0 }
    }
  }

  /// Constant-time equality of the UTF-8 bytes of two strings (CSRF tokens, digests).
  public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
  }
}
