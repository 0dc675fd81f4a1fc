import Foundation
import SecretKit
import TestStorage
import Testing

@Suite struct IdentitySecretsTests {
  let hasher = PasswordHasher(cost: .minimum)

  @Test func passwordHashIsArgon2idAndVerifiesOnlyTheRightPassword() throws {
    let hash = try hasher.hash("correct horse")
    #expect(hash.hasPrefix("$argon2id$"))
    #expect(!hash.contains("correct horse"))
    #expect(hasher.verify("correct horse", against: hash))
    #expect(!hasher.verify("correct horsf", against: hash))
    #expect(!hasher.verify("", against: hash))
    #expect(!hasher.verify("correct horse", against: "not a hash"))
  }

  @Test func everyHashHasItsOwnSalt() throws {
    #expect(try hasher.hash("same") != hasher.hash("same"))
  }

  @Test func interactiveCostHashesVerifyAndAreFlaggedForRehashAtAnotherCost() throws {
    let strong = PasswordHasher(cost: .interactive)
    let hash = try strong.hash("pw")
    #expect(strong.verify("pw", against: hash))
    #expect(!strong.needsRehash(hash))
    #expect(hasher.needsRehash(hash))
    // OWASP's parameters, stated in the hash itself; an older 64 MiB hash still verifies and is rehashed.
    #expect(hash.contains("$m=19456,t=2,p=1$"))
    let old = try PasswordHasher(cost: PasswordHasher.Cost(opsLimit: 2, memoryLimitBytes: 64 << 20)).hash(
      "pw")
    #expect(strong.verify("pw", against: old))
    #expect(strong.needsRehash(old))
  }

  @Test func randomTokensAre256BitBase64URL() throws {
    let token = try Secrets.randomToken()
    #expect(token.count == 43)
    #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    #expect(try Secrets.randomToken() != token)
  }

  @Test func sha256HexMatchesTheStandardVector() throws {
    #expect(
      try Secrets.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func constantTimeEqualsComparesContentAndLength() {
    #expect(Secrets.constantTimeEquals("abc", "abc"))
    #expect(!Secrets.constantTimeEquals("abc", "abd"))
    #expect(!Secrets.constantTimeEquals("abc", "abcd"))
    #expect(Secrets.constantTimeEquals("", ""))
  }

  @Test func base64URLUsesTheURLSafeAlphabetWithoutPadding() {
    #expect(Secrets.base64URLEncoded([0xfb, 0xff]) == "-_8")
  }
}
