import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a POSIX socket, so live tests can send exactly the
/// bytes they want (half requests, bad request lines, chunked bodies, keep-alive).
final class RawHTTPClient {
  struct Response {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    func header(_ name: String) -> String? {
      headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    var text: String { String(decoding: body, as: UTF8.self) }
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private let fd: Int32
  private var buffer: [UInt8] = []

  /// Connects to 127.0.0.1:`port`, from `sourceAddress` when given (any 127/8 address is local on Linux,
  /// so tests can play a second client address).
  init(port: UInt16, receiveTimeoutSeconds: Int = 5, sourceAddress: String? = nil) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket failed") }
    if let sourceAddress {
      var local = sockaddr_in()
      local.sin_family = sa_family_t(AF_INET)
      local.sin_addr.s_addr = inet_addr(sourceAddress)
      let bound = withUnsafePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard bound == 0 else {
        close(fd)
        throw Failure(description: "bind failed: errno \(errno)")
      }
    }
    var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw Failure(description: "connect failed: errno \(errno)")
    }
  }

  deinit { close(fd) }

  func send(_ text: String) throws { try send(Array(text.utf8)) }

  func send(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
      offset += sent
    }
  }

  /// Reads more bytes; returns false on EOF or reset, throws on timeout.
  private func fill() throws -> Bool {
    var chunk = [UInt8](repeating: 0, count: 65536)
    let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    if count > 0 {
      buffer.append(contentsOf: chunk[..<count])
      return true
    }
    if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
      throw Failure(description: "receive timed out")
    }
    return false
  }

  /// True when the server closed the connection (EOF/reset) before the timeout.
  func waitForClose() throws -> Bool {
    while try fill() { buffer.removeAll() }
    return true
  }

  /// Reads one response (Content-Length framed; the server never uses chunked responses).
  func readResponse(isHead: Bool = false) throws -> Response {
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    var headerEnd: Int?
    while headerEnd == nil {
      headerEnd = buffer.firstRange(of: separator)?.upperBound
      if headerEnd == nil, try !fill() { throw Failure(description: "closed before headers") }
    }
    let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
    var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
      throw Failure(description: "bad status line")
    }
    let headers = lines.compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    let length =
      isHead ? 0 : (headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0)
    while buffer.count < headerEnd! + length {
      if try !fill() { throw Failure(description: "closed mid-body") }
    }
    let body = Array(buffer[headerEnd!..<(headerEnd! + length)])
    buffer.removeFirst(headerEnd! + length)
    return Response(status: status, headers: headers, body: body)
  }

  /// One GET on a fresh connection.
  static func get(_ target: String, port: UInt16, headers: String = "", sourceAddress: String? = nil) throws
    -> Response
  {
    let client = try RawHTTPClient(port: port, sourceAddress: sourceAddress)
    try client.send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: close\r\n\r\n")
    return try client.readResponse()
  }
}
