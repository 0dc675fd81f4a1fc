import HTTPServer
import SecretKit

/// Who may read `/metrics`: anyone who can reach the port (the default, for a loopback scraper), or, with
/// `serve --metrics-token` / `RUNWATCH_METRICS_TOKEN`, only a scraper sending `Authorization: Bearer <token>`.
/// Tokens are compared as SHA-256 digests in constant time, so neither their bytes nor their length leak.
public struct MetricsAccess: Sendable {
  private let tokenDigest: [UInt8]?

  /// Open to every client.
  public static let open = MetricsAccess(tokenDigest: nil)

  private init(tokenDigest: [UInt8]?) { self.tokenDigest = tokenDigest }

  /// Only requests carrying `token` as a bearer token.
  public init(token: String) throws {
    tokenDigest = try Secrets.sha256(Array(token.utf8))
  }

  /// Whether the scraper must present a token.
  public var requiresToken: Bool { tokenDigest != nil }

  /// Whether `request` may read the metrics.
  func allows(_ request: HTTPRequest) -> Bool {
    guard let tokenDigest else { return true }
    guard let header = request.headers["Authorization"] else { return false }
    let prefix = "bearer "
    guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
      return false
    }
    let presented = header.dropFirst(prefix.count).drop { $0 == " " }
    guard let digest = try? Secrets.sha256(Array(presented.utf8)) else { return false }
    return Secrets.constantTimeEquals(digest, tokenDigest)
  }

  /// The 401 a scraper without the right token gets.
  static let refusal = HTTPResponse(
    status: .unauthorized,
    headers: ["Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": "Bearer realm=\"metrics\""],
    body: Array("/metrics needs the bearer token given to serve --metrics-token.\n".utf8))
}
