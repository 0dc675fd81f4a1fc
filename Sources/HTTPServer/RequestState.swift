import CMicroHTTPD

/// Per-request state, created when libmicrohttpd reports the raw request target and released in
/// the request-completed callback. It travels through `req_cls` as a retained `Unmanaged`
/// pointer; libmicrohttpd only ever touches one connection from one thread at a time, so the
/// class needs no locking and is never shared across threads concurrently.
final class RequestState {
  /// The request target before MHD unescapes it (we decode it ourselves, leniently).
  let rawTarget: String
  /// Set on the first access-handler call; later calls carry body chunks or mark the end.
  var hasStarted = false
  var method = HTTPMethod.get
  var headers = HTTPHeaders()
  var remoteAddress = ""
  var body: [UInt8] = []
  /// Non-nil once the body went over the limit: the rest is discarded, not buffered.
  var rejection: HTTPStatus?
  var discardedBytes = 0

  init(rawTarget: String) { self.rawTarget = rawTarget }

  /// The request as seen so far (the body only once complete).
  func request() -> HTTPRequest {
    HTTPRequest(
      method: method, target: rawTarget, headers: headers, body: body, remoteAddress: remoteAddress)
  }
}
