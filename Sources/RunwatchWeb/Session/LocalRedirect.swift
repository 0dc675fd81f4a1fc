/// Where to send someone after signing in. Only a path on this site is accepted, so `?next=` cannot be used to
/// bounce a freshly signed-in user to another site (open redirect).
public enum LocalRedirect {
  /// Where to go when `next` is absent or refused.
  public static let fallback = "/operations"

  /// `next` when it is a local path, otherwise `fallback`.
  public static func target(_ next: String?) -> String {
    guard let next, isLocalPath(next) else { return fallback }
    return next
  }

  /// Whether `candidate` is a path on this site: starts with exactly one `/` (`//host` and `/\host` are
  /// network-path references to browsers), has no scheme, and contains no control characters or spaces, which
  /// browsers strip (`/\t/evil` becomes `//evil`) and which could split a `Location` header.
  public static func isLocalPath(_ candidate: String) -> Bool {
    let bytes = Array(candidate.utf8)
    guard (1...2048).contains(bytes.count), bytes[0] == UInt8(ascii: "/") else { return false }
    if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return false }
    return !bytes.contains { $0 <= 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\\") }
  }
}
