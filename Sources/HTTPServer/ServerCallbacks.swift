import CMicroHTTPD

#if canImport(Glibc)
  import Glibc
#endif

// libmicrohttpd calls these from its pool threads. They are file-scope, nonisolated functions
// (a closure in main.swift would be main-actor isolated and crash), and get their state from
// `cls` (ServerContext, unretained) and `req_cls` (RequestState, retained until completion).

/// MHD_OPTION_URI_LOG_CALLBACK: the first thing MHD reports about a request. Its return value
/// becomes `*req_cls`, so this is where per-request state is born, with the raw target.
func serverURILog(
  _ cls: UnsafeMutableRawPointer?, _ uri: UnsafePointer<CChar>?, _ connection: OpaquePointer?
) -> UnsafeMutableRawPointer? {
  guard let cls else { return nil }
  let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
  let state = RequestState(rawTarget: uri.map { String(cString: $0) } ?? "/")
  rw_mhd_skip_query_parsing(uri)
  if let connection { connectionState(connection)?.requestLineReceived(target: state.rawTarget) }
  context.requestStarted()
  return Unmanaged.passRetained(state).toOpaque()
}

/// MHD_OPTION_NOTIFY_CONNECTION: a `ConnectionState` per TCP connection, watched by the request
/// deadline from accept to close. Kept in MHD's `socket_context`, retained until the close.
func serverConnectionNotify(
  _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
  _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_ConnectionNotificationCode
) {
  guard let cls, let connection, let socketContext else { return }
  let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
  // Compared by raw value (0 started, 1 closed, microhttpd.h): Swift's spelling of the imported cases
  // depends on prefix stripping we would rather not rely on.
  switch code.rawValue {
  case 0:
    let state = ConnectionState(socket: rw_mhd_connection_fd(connection), openedAt: .now)
    context.requestDeadline.register(state)
    socketContext.pointee = Unmanaged.passRetained(state).toOpaque()
  case 1:
    guard let pointer = socketContext.pointee else { return }
    socketContext.pointee = nil
    context.requestDeadline.unregister(Unmanaged<ConnectionState>.fromOpaque(pointer).takeRetainedValue())
  default:
    return
  }
}

private func connectionState(_ connection: OpaquePointer) -> ConnectionState? {
  rw_mhd_socket_context(connection).map { Unmanaged<ConnectionState>.fromOpaque($0).takeUnretainedValue() }
}

/// MHD_OPTION_NOTIFY_COMPLETED: releases the per-request state whatever way the request ended.
func serverRequestCompleted(
  _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
  _ reqCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ reason: MHD_RequestTerminationCode
) {
  guard let cls, let reqCls, let pointer = reqCls.pointee else { return }
  reqCls.pointee = nil
  if let connection { connectionState(connection)?.requestFinished(at: .now) }
  Unmanaged<RequestState>.fromOpaque(pointer).release()
  Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().requestFinished()
}

/// The access handler. MHD calls it once with the headers, once per body chunk, then once more
/// with no data: the point at which the complete request is dispatched.
func serverAccessHandler(
  _ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
  _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?,
  _ uploadData: UnsafePointer<CChar>?, _ uploadDataSize: UnsafeMutablePointer<Int>?,
  _ reqCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
  guard let cls, let connection, let reqCls, let uploadDataSize else { return .NO }
  let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
  if reqCls.pointee == nil {
    // Only if MHD skipped the URI log callback: start the state here from the decoded URL.
    let state = RequestState(rawTarget: url.map { String(cString: $0) } ?? "/")
    context.requestStarted()
    reqCls.pointee = Unmanaged.passRetained(state).toOpaque()
  }
  let state = Unmanaged<RequestState>.fromOpaque(reqCls.pointee!).takeUnretainedValue()
  let limit = context.configuration.maximumBodySize
  let watched = connectionState(connection)
  // The request deadline already answered and shut this connection down: queue nothing more.
  if watched?.isExpired == true { return .NO }

  if !state.hasStarted {
    state.hasStarted = true
    state.method = HTTPMethod(rawValue: method.map { String(cString: $0) } ?? "GET")
    state.headers = connectionHeaders(connection)
    state.remoteAddress = clientAddress(connection)
    let target = state.rawTarget
    let rawQuery = target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
    if let refusal = RequestFraming.rejection(
      version: version.map { String(cString: $0) } ?? "", headers: state.headers, rawQuery: rawQuery,
      maximumQueryParameters: context.configuration.maximumQueryParameters)
    {
      return answerEarly(refusal, state: state, context: context, watched: watched, on: connection)
    }
    if let declared = state.headers["Content-Length"], let length = UInt64(declared), length > UInt64(limit) {
      // Answer before the body is read: MHD then skips the upload and closes the connection.
      return answerEarly(.payloadTooLarge, state: state, context: context, watched: watched, on: connection)
    }
    return .YES
  }

  let chunkSize = uploadDataSize.pointee
  if chunkSize > 0 {
    uploadDataSize.pointee = 0
    if let rejection = state.rejection {
      state.discardedBytes += chunkSize
      guard state.discardedBytes > context.configuration.maximumDiscardedBodySize else { return .YES }
      // An endless body (a chunk size of ffffffffffffffff, say): answer now and stop reading it.
      answerMidUpload(rejection, state: state, context: context, watched: watched)
      return .NO
    }
    if state.body.count + chunkSize > limit {
      state.rejection = .payloadTooLarge
      state.discardedBytes = state.body.count + chunkSize
      state.body = []
      return .YES
    }
    if let uploadData {
      uploadData.withMemoryRebound(to: UInt8.self, capacity: chunkSize) { bytes in
        state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: chunkSize))
      }
      context.bodyBuffered(state.body.count)
    }
    return .YES
  }

  switch watched?.beginResponse(deadline: context.configuration.requestDeadline, at: .now) ?? .inTime {
  case .expired: return .NO
  case .late: return queueRejection(.requestTimeout, state: state, context: context, on: connection)
  case .inTime: break
  }
  if let rejection = state.rejection {
    return queueRejection(rejection, state: state, context: context, on: connection)
  }
  let response = context.responder.respond(to: state.request())
  return queue(response, on: connection)
}

/// Answers at the header stage (before any body): 408 when the head itself came in too late, else
/// `status`. Stops the deadline watching the request, since a response is now on its way.
private func answerEarly(
  _ status: HTTPStatus, state: RequestState, context: ServerContext, watched: ConnectionState?,
  on connection: OpaquePointer
) -> MHD_Result {
  switch watched?.beginResponse(deadline: context.configuration.requestDeadline, at: .now) ?? .inTime {
  case .expired: return .NO
  case .late: return queueRejection(.requestTimeout, state: state, context: context, on: connection)
  case .inTime: return queueRejection(status, state: state, context: context, on: connection)
  }
}

/// libmicrohttpd 0.9.75 cannot queue a response while it is still reading a body, so `status` (or 408
/// when the request is already past its deadline) is written straight to the socket, as the request
/// deadline does, just before the handler tells MHD to drop the connection. Best effort: a client still
/// sending may see the reset before it reads the answer.
private func answerMidUpload(
  _ status: HTTPStatus, state: RequestState, context: ServerContext, watched: ConnectionState?
) {
  guard let watched else { return }
  let answer: HTTPStatus
  switch watched.beginResponse(deadline: context.configuration.requestDeadline, at: .now) {
  case .expired: return
  case .late: answer = .requestTimeout
  case .inTime: answer = status
  }
  var response = context.responder.respond(rejecting: state.request(), status: answer)
  response.status = answer
  let bytes = RequestDeadline.serialized(response)
  _ = bytes.withUnsafeBytes {
    send(watched.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
  }
}

private func queueRejection(
  _ status: HTTPStatus, state: RequestState, context: ServerContext, on connection: OpaquePointer
) -> MHD_Result {
  var response = context.responder.respond(rejecting: state.request(), status: status)
  response.status = status
  // The unread body may still be on the wire: never reuse this connection.
  response.headers.set("Connection", "close")
  return queue(response, on: connection)
}

/// Copies `response` into an MHD response (`MUST_COPY`, the 0.9.75 API) and queues it.
func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
  let created = response.body.withUnsafeBytes { buffer in
    MHD_create_response_from_buffer(
      buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress), .RESPMEM_MUST_COPY)
  }
  guard let mhdResponse = created else { return .NO }
  defer { MHD_destroy_response(mhdResponse) }
  for field in response.headers where isSendable(field) {
    _ = MHD_add_response_header(mhdResponse, field.name, field.value)
  }
  let code = (100...599).contains(response.status.code) ? response.status.code : 500
  return MHD_queue_response(connection, UInt32(code), mhdResponse)
}

/// Drops fields MHD computes itself and any field that could split the header block.
func isSendable(_ field: HTTPHeaders.Field) -> Bool {
  let lowered = field.name.lowercased()
  if lowered == "content-length" || lowered == "transfer-encoding" || field.name.isEmpty { return false }
  return !field.name.utf8.contains { splitsHeaders($0) || $0 == UInt8(ascii: ":") }
    && !field.value.utf8.contains(where: splitsHeaders)
}

/// NUL, LF and CR. Compared directly: a `Set` here hashed every byte of every response header.
private func splitsHeaders(_ byte: UInt8) -> Bool { byte == 0 || byte == 10 || byte == 13 }

private func connectionHeaders(_ connection: OpaquePointer) -> HTTPHeaders {
  let box = HeaderCollector()
  let boxPointer = Unmanaged.passUnretained(box).toOpaque()
  _ = MHD_get_connection_values(connection, .HEADER_KIND, collectHeader, boxPointer)
  return box.headers
}

/// Accumulates headers during `MHD_get_connection_values` on the calling thread.
private final class HeaderCollector {
  var headers = HTTPHeaders()
}

private func collectHeader(
  _ cls: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?,
  _ value: UnsafePointer<CChar>?
) -> MHD_Result {
  guard let cls, let key else { return .YES }
  let box = Unmanaged<HeaderCollector>.fromOpaque(cls).takeUnretainedValue()
  box.headers.add(String(cString: key), value.map { String(cString: $0) } ?? "")
  return .YES
}

private func clientAddress(_ connection: OpaquePointer) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let found = buffer.withUnsafeMutableBufferPointer {
    rw_mhd_client_address(connection, $0.baseAddress, $0.count)
  }
  guard found == 1, let end = buffer.firstIndex(of: 0) else { return "" }
  return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
