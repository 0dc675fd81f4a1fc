import Foundation
import HTTPServer

/// How the web app treats sign-in: cookie flags and the optional trusted-header (SSO proxy) mode.
public struct SessionOptions: Sendable, Equatable {
  /// Adds `Secure` to every cookie; set it when Runwatch is reached over TLS (directly or through a proxy).
  public var secureCookies: Bool
  /// The trusted-header mode, or nil when sign-in is by password only.
  public var trustedHeader: TrustedHeader?

  /// Creates options; by default plain cookies and no trusted header.
  public init(secureCookies: Bool = false, trustedHeader: TrustedHeader? = nil) {
    self.secureCookies = secureCookies
    self.trustedHeader = trustedHeader
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
