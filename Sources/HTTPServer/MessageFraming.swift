/// RFC 9112 checks on a request's framing, made once its head is in and before any body is read. A request
/// whose length cannot be known the same way by every hop is refused and its connection closed, so a proxy in
/// front and this server can never disagree about where one request ends (request smuggling):
/// - HTTP/1.1 needs exactly one `Host` (§3.2): 400.
/// - `Content-Length` must be one decimal number; several fields or a list must all agree (§6.3): else 400.
/// - `Transfer-Encoding` together with `Content-Length` (§6.1, §6.3): 400.
/// - The only transfer coding understood is `chunked` (§6.1, §7): any other is 501.
enum MessageFraming {
  /// The status a request with this head must be refused with, or nil when its framing is sound.
  static func refusal(version: String, headers: HTTPHeaders) -> HTTPStatus? {
    let hosts = headers.all("Host")
    if version.uppercased() == "HTTP/1.1", hosts.count != 1 { return .badRequest }
    if hosts.count > 1 { return .badRequest }
    let lengths = headers.all("Content-Length")
    let encodings = headers.all("Transfer-Encoding")
    if !lengths.isEmpty {
      if !encodings.isEmpty { return .badRequest }
      guard declaredLength(lengths) != nil else { return .badRequest }
    }
    if !encodings.isEmpty {
      let codings = encodings.flatMap { $0.split(separator: ",") }.map {
        $0.trimmingASCIIWhitespace().lowercased()
      }
      guard codings == ["chunked"] else { return .notImplemented }
    }
    return nil
  }

  /// The one length every `Content-Length` value states, or nil when they are malformed or disagree.
  static func declaredLength(_ values: [String]) -> UInt64? {
    var length: UInt64?
    for value in values {
      for item in value.split(separator: ",", omittingEmptySubsequences: false) {
        let digits = item.trimmingASCIIWhitespace()
        guard !digits.isEmpty, digits.count <= 19, digits.utf8.allSatisfy({ (48...57).contains($0) }),
          let parsed = UInt64(digits)
        else { return nil }
        if let length, length != parsed { return nil }
        length = parsed
      }
    }
    return length
  }
}

extension Substring {
  fileprivate func trimmingASCIIWhitespace() -> String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}

extension String {
  fileprivate func trimmingASCIIWhitespace() -> String { self[...].trimmingASCIIWhitespace() }
}
