/// Checks of a request head that libmicrohttpd 0.9.75 lets through, run before any body is read.
/// Each answer follows RFC 9112; every rejection also closes the connection (the body framing cannot
/// be trusted, so nothing after it on the wire can be either).
enum RequestFraming {
  /// The status to refuse the request with, or nil when its framing is sound.
  static func rejection(
    version: String, headers: HTTPHeaders, rawQuery: Substring, maximumQueryParameters: Int
  )
    -> HTTPStatus?
  {
    let hosts = headers.all("Host")
    // §3.2: an HTTP/1.1 request without Host, or any request with more than one, is a 400.
    if hosts.count > 1 || (hosts.isEmpty && version == "HTTP/1.1") { return .badRequest }
    let lengths = headers.all("Content-Length")
    let codingFields = headers.all("Transfer-Encoding")
    if !codingFields.isEmpty {
      // §6.1: HTTP/1.0 has no transfer codings; §6.3: both framings at once is a smuggling attempt.
      if version != "HTTP/1.1" || !lengths.isEmpty { return .badRequest }
      let codings = codingFields.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() }
      // §6.3: chunked must be the last coding, and applied once, or the body length is unknowable.
      if codings.last != "chunked" || codings.filter({ $0 == "chunked" }).count > 1 { return .badRequest }
      // §6.1: a coding we do not implement (gzip, chunked) is a 501.
      if codings.count > 1 { return .notImplemented }
    }
    // §6.3: differing Content-Length values make the body length ambiguous (MHD used the first).
    if Set(lengths.map { $0[...].trimmingSpaces }).count > 1 { return .badRequest }
    if queryParameterCount(rawQuery, above: maximumQueryParameters) { return .uriTooLong }
    return nil
  }

  /// Whether `rawQuery` holds more than `limit` non-empty `&`-separated parameters (counted, not parsed).
  static func queryParameterCount(_ rawQuery: Substring, above limit: Int) -> Bool {
    var count = 0
    var inParameter = false
    for byte in rawQuery.utf8 {
      if byte == UInt8(ascii: "&") {
        inParameter = false
      } else if !inParameter {
        inParameter = true
        count += 1
        if count > limit { return true }
      }
    }
    return false
  }
}
