import Foundation
import HTTPServer

/// How the web app treats sign-in: cookie flags, the reverse proxies in front of it and the optional
/// trusted-header (SSO proxy) mode.
public struct SessionOptions: Sendable, Equatable {
  /// Adds `Secure` to every cookie; set it when Runwatch is reached over TLS (directly or through a proxy).
  public var secureCookies: Bool
  /// Numeric peer addresses of reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
  public var trustedProxies: Set<String>
  /// The trusted-header mode, or nil when sign-in is by password only.
  public var trustedHeader: TrustedHeader?

  /// Creates options; by default plain cookies, no trusted proxy and no trusted header.
  public init(
    secureCookies: Bool = false, trustedProxies: Set<String> = [], trustedHeader: TrustedHeader? = nil
  ) {
    self.secureCookies = secureCookies
    self.trustedProxies = trustedProxies
    self.trustedHeader = trustedHeader
  }

  /// The client's address for sign-in throttling: on a connection from a trusted proxy, the rightmost
  /// `X-Forwarded-For` entry (the one that proxy appended: entries left of it came from the client and may be
  /// anything); otherwise, or when that entry is not an IP address, the connection's peer address.
  func clientAddress(of request: HTTPRequest) -> String {
    guard trustedProxies.contains(request.remoteAddress) else { return request.remoteAddress }
    let forwarded = request.headers.all("X-Forwarded-For").joined(separator: ",")
    guard
      let last = forwarded.split(separator: ",", omittingEmptySubsequences: false).last?
        .trimmingCharacters(in: .whitespaces),
      Self.isIPAddress(last)
    else { return request.remoteAddress }
    return last.lowercased()
  }

  /// An IPv4 or IPv6 literal as proxies write them: 2–45 characters of hex digits, `.` and `:` with at least
  /// one separator. Anything else (a host name, `unknown`, garbage) is not believed.
  static func isIPAddress(_ text: String) -> Bool {
    (2...45).contains(text.utf8.count) && text.contains(where: { $0 == "." || $0 == ":" })
      && text.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
  }
}

/// Sign-in vouched for by an SSO proxy: the proxy puts the user's e-mail in `headerName`. The header is believed
/// only on connections whose peer address is one of `proxies`; from anywhere else it is ignored, because any
/// client can send any header.
public struct TrustedHeader: Sendable, Equatable {
  /// The header carrying the e-mail, e.g. `X-Forwarded-Email`.
  public var headerName: String
  /// Numeric peer addresses of the proxies, e.g. `127.0.0.1`.
  public var proxies: Set<String>

  /// Creates the mode.
  public init(headerName: String, proxies: Set<String>) {
    self.headerName = headerName
    self.proxies = proxies
  }

  /// The e-mail the proxy vouches for on `request`, or nil when the peer is not a trusted proxy or the header
  /// is absent or blank.
  func vouchedEmail(in request: HTTPRequest) -> String? {
    guard proxies.contains(request.remoteAddress),
      let value = request.headers[headerName]?.trimmingCharacters(in: .whitespaces), !value.isEmpty
    else { return nil }
    return value
  }
}
