import CSodium
import Dispatch

/// Argon2id password hashing through libsodium's `crypto_pwhash_str`, which produces a self-describing
/// `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string (random salt included) that verification reads back, so the
/// cost can be raised later without invalidating stored hashes.
public struct PasswordHasher: Sendable {
  /// How expensive one hash is: the work factor and the memory it takes.
  public struct Cost: Sendable, Equatable {
    /// Number of passes (libsodium `opslimit`).
    public var opsLimit: Int
    /// Memory used, in bytes (libsodium `memlimit`).
    public var memoryLimitBytes: Int

    /// Creates a cost; libsodium checks the range when hashing.
    public init(opsLimit: Int, memoryLimitBytes: Int) {
      self.opsLimit = opsLimit
      self.memoryLimitBytes = memoryLimitBytes
    }

    /// OWASP's Argon2id recommendation for sign-in (19 MiB, 2 passes): the production default. libsodium's
    /// "interactive" 64 MiB made every sign-in the largest allocation `serve` ever did (its peak RSS was a
    /// sign-in); hashes made with it still verify, and are rehashed at the next successful sign-in.
    public static let interactive = Cost(opsLimit: 2, memoryLimitBytes: 19 << 20)

    /// The smallest cost libsodium accepts. Only for tests, which hash many passwords and must stay fast.
    public static let minimum = Cost(
      opsLimit: max(1, Int(crypto_pwhash_opslimit_min())),
      memoryLimitBytes: Int(crypto_pwhash_memlimit_min()))
  }

  /// The cost new hashes are made with.
  public let cost: Cost

  /// At most this many hashes or verifications run at once in the process, so a burst of sign-ins queues
  /// instead of taking `memoryLimitBytes` each: memory stays bounded under any load.
  public static let concurrentHashes = 2
  private static let gate = DispatchSemaphore(value: concurrentHashes)

  private static func gated<T>(_ body: () -> T) -> T {
    gate.wait()
    defer { gate.signal() }
    return body()
  }

  /// Creates a hasher with `cost` (default: interactive).
  public init(cost: Cost = .interactive) { self.cost = cost }

  /// Hashes `password` with Argon2id and a fresh random salt.
  public func hash(_ password: String) throws(SecretKitError) -> String {
    try Sodium.ensureInitialized()
    guard cost.opsLimit > 0, cost.memoryLimitBytes > 0 else {
      throw .invalidCost(opsLimit: cost.opsLimit, memoryLimitBytes: cost.memoryLimitBytes)
    }
    var output = [CChar](repeating: 0, count: Int(crypto_pwhash_strbytes()))
    // `withCString` gives a non-null pointer even for an empty password; the length is passed explicitly.
    let length = UInt64(password.utf8.count)
    let code = Self.gated {
      password.withCString { chars in
        crypto_pwhash_str_alg(
          &output, chars, length, UInt64(cost.opsLimit), Int(cost.memoryLimitBytes),
          crypto_pwhash_alg_argon2id13())
      }
    }
    guard code == 0 else { throw .hashingFailed }
    return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Whether `password` matches `storedHash`. The comparison inside libsodium is constant-time; a malformed
  /// hash simply does not match.
  public func verify(_ password: String, against storedHash: String) -> Bool {
    guard (try? Sodium.ensureInitialized()) != nil else { return false }
    // libsodium reads the stored hash as a NUL-terminated string of at most STRBYTES bytes.
    guard storedHash.utf8.count < Int(crypto_pwhash_strbytes()) else { return false }
    let length = UInt64(password.utf8.count)
    return Self.gated {
      password.withCString { chars in
        storedHash.withCString { hash in crypto_pwhash_str_verify(hash, chars, length) == 0 }
      }
    }
  }

  /// Whether `storedHash` was made with a different cost or algorithm than this hasher's (rehash on the next
  /// successful sign-in).
  public func needsRehash(_ storedHash: String) -> Bool {
    guard (try? Sodium.ensureInitialized()) != nil,
      storedHash.utf8.count < Int(crypto_pwhash_strbytes())
    else { return true }
    return storedHash.withCString { hash in
      crypto_pwhash_str_needs_rehash(hash, UInt64(cost.opsLimit), Int(cost.memoryLimitBytes)) != 0
    }
  }
}
