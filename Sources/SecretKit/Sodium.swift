import CSodium

/// Errors from the secrets layer. Never carries a password, token or hash.
public enum SecretKitError: Error, CustomStringConvertible, Sendable, Equatable {
  /// `sodium_init` failed: the process has no usable randomness source.
  case initializationFailed
  /// Hashing failed (libsodium could not allocate the memory the cost asks for).
  case hashingFailed
  /// The cost is outside what libsodium accepts.
  case invalidCost(opsLimit: Int, memoryLimitBytes: Int)

  /// Human-readable description.
  public var description: String {
    switch self {
    case .initializationFailed: "libsodium could not be initialized"
    case .hashingFailed: "password hashing failed (out of memory?)"
    case .invalidCost(let ops, let memory):
      "password hashing cost out of range (ops limit \(ops), memory limit \(memory) bytes)"
    }
  }
}

/// libsodium's one-time initialization. `sodium_init` is thread-safe and idempotent, but it must have
/// returned before any other libsodium call; a `static let` makes Swift run it exactly once, lazily and
/// atomically, on first use from any thread.
enum Sodium {
  private static let initializationResult: Int32 = sodium_init()

  /// Makes sure libsodium is initialized; throws when it could not be (0 = done now, 1 = already done).
  static func ensureInitialized() throws(SecretKitError) {
    guard initializationResult >= 0 else { throw .initializationFailed }
  }
}
