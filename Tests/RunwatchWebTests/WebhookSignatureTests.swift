import SecretKit
import Testing

/// Webhook signing (#17): libsodium's HMAC-SHA-256 against RFC 4231's test vectors, and the header format.
@Suite struct WebhookSignatureTests {
  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      out.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return out
  }

  @Test func hmacSHA256MatchesRFC4231() throws {
    // Test case 1: a 20-byte key.
    #expect(
      Secrets.hex(
        try WebhookSignature.hmacSHA256(
          key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
        == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    // Test case 2: a key shorter than the output.
    #expect(
      Secrets.hex(
        try WebhookSignature.hmacSHA256(
          key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // Test case 6: a key longer than the block size is hashed first.
    #expect(
      Secrets.hex(
        try WebhookSignature.hmacSHA256(
          key: [UInt8](repeating: 0xaa, count: 131),
          message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
        == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }

  @Test func theHeaderSignsTheTimestampDotBody() throws {
    let body = Array("{\"event\":\"run.failed\"}".utf8)
    let header = try WebhookSignature.header(secret: "Jefe", timestamp: 1_800_000_000, body: body)
    let mac = try WebhookSignature.hmacSHA256(
      key: Array("Jefe".utf8), message: Array("1800000000.".utf8) + body)
    #expect(header == "sha256=" + Secrets.hex(mac))
    #expect(try WebhookSignature.header(secret: "Jefe", timestamp: 1_800_000_001, body: body) != header)
    let secret = try WebhookSignature.newSecret()
    #expect(secret.hasPrefix("whsec_") && secret.count == 49)
  }
}
