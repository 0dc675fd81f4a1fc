import HTTPServer

/// The same-origin check for state-changing requests: a second line of defence beside the CSRF token.
enum SameOrigin {
  /// Whether `request` comes from a page of this site. Refused: `Sec-Fetch-Site` saying `cross-site` or
  /// `same-site` (a sibling subdomain is another origin); an `Origin` (or, without one, a `Referer`) whose
  /// host and port differ from `Host`; an opaque `Origin: null`. Requests carrying none of these headers
  /// (old clients, scripts) rely on the CSRF token alone.
  static func allows(_ request: HTTPRequest) -> Bool {
    if let site = request.headers["Sec-Fetch-Site"]?.lowercased(), site == "cross-site" || site == "same-site"
    {
      return false
    }
    let source = request.headers["Origin"] ?? request.headers["Referer"]
    guard let source else { return true }
    guard let host = request.headers["Host"], let sourceAuthority = authority(of: source) else {
      return false
    }
    return normalized(host) == sourceAuthority
  }

  /// `host[:port]` of an absolute http(s) URL, lower-cased, default port dropped; nil for anything else
  /// (including `null`).
  static func authority(of url: String) -> String? {
    let lowered = url.lowercased()
    let rest: Substring
    if lowered.hasPrefix("http://") {
      rest = lowered.dropFirst(7)
    } else if lowered.hasPrefix("https://") {
      rest = lowered.dropFirst(8)
    } else {
      return nil
    }
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard !authority.isEmpty, !authority.contains("@") else { return nil }
    return normalized(String(authority))
  }

  private static func normalized(_ authority: String) -> String {
    var value = authority.lowercased()
    for port in [":80", ":443"] where value.hasSuffix(port) {
      value.removeLast(port.count)
    }
    return value
  }
}
