import Foundation
import Testing

@testable import HTTPServer

/// Live-socket tests of the libmicrohttpd wrapper: each starts its own server on port 0.
@Suite("HTTP server (live socket)", .serialized)
struct LiveServerTests {
  static func router() -> Router {
    var router = Router()
    router.get("/echo") { request in .text("n=\(request.query.first("n") ?? "")") }
    router.post("/upload") { request in
      .text("got \(request.body.count) form=\(request.formParameters.first("a") ?? "-")")
    }
    router.get("/whoami") { request in
      .text("\(request.remoteAddress) \(request.cookie("s") ?? "-") \(request.headers["x-test"] ?? "-")")
    }
    router.get("/slow") { _ in
      usleep(300_000)
      return .text("slow done")
    }
    return router
  }

  static func start(_ configuration: HTTPServerConfiguration = .init(), router: Router = router()) throws
    -> HTTPServer
  {
    try HTTPServer.start(host: "127.0.0.1", port: 0, configuration: configuration, responder: router)
  }

  /// Waits (bounded) for the server to release every per-request state.
  static func drained(_ server: HTTPServer) -> Bool {
    for _ in 0..<200 where server.liveRequestCount != 0 { usleep(10_000) }
    return server.liveRequestCount == 0
  }

  @Test func portZeroReportsTheBoundPortAndServesParsedRequests() throws {
    let server = try Self.start()
    defer { server.stop() }
    #expect(server.port != 0)
    let response = try RawHTTPClient.get(
      "/whoami", port: server.port, headers: "Cookie: s=abc\r\nX-Test: yes\r\n")
    #expect(response.status == 200)
    #expect(response.text == "127.0.0.1 abc yes")
    #expect(response.header("X-Frame-Options") == "DENY")
    #expect(Self.drained(server))
  }

  @Test func fiftyConcurrentConnectionsAllGetTheirOwnAnswer() throws {
    let server = try Self.start(HTTPServerConfiguration(threadCount: 2))
    defer { server.stop() }
    let clients = try (0..<50).map { _ in try RawHTTPClient(port: server.port) }
    for (index, client) in clients.enumerated() {
      try client.send("GET /echo?n=\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
    }
    for (index, client) in clients.enumerated() {
      let response = try client.readResponse()
      #expect(response.status == 200)
      #expect(response.text == "n=\(index)")
    }
  }

  @Test func smallBodiesAreDeliveredWhole() throws {
    let server = try Self.start()
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    let body = "a=hello+there&b=2"
    try client.send(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
    let response = try client.readResponse()
    #expect(response.text == "got 17 form=hello there")
  }

  @Test func declaredLengthOverTheLimitIs413WithoutReadingTheBody() throws {
    let server = try Self.start(HTTPServerConfiguration(maximumBodySize: 64 << 10))
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    // Declare 2 MiB but send only the headers: the answer must come without the body.
    try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 << 20)\r\n\r\n")
    let response = try client.readResponse()
    #expect(response.status == 413)
    #expect(response.header("Connection")?.lowercased() == "close")
    #expect(response.header("Content-Security-Policy") != nil)
    #expect(try client.waitForClose())
    #expect(try RawHTTPClient.get("/echo?n=after", port: server.port).text == "n=after")
    #expect(Self.drained(server))
  }

  @Test func chunkedBodyPassingTheLimitIs413AndTheServerStaysUp() throws {
    let server = try Self.start(HTTPServerConfiguration(maximumBodySize: 64 << 10))
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 16 << 10)
    for _ in 0..<(2 << 20) / chunk.count {
      try client.send(Array("4000\r\n".utf8) + chunk + Array("\r\n".utf8))
    }
    try client.send("0\r\n\r\n")
    let response = try client.readResponse()
    #expect(response.status == 413)
    #expect(server.peakBufferedBodyBytes <= 64 << 10)
    #expect(server.peakBufferedBodyBytes > 0)
    #expect(try RawHTTPClient.get("/echo?n=up", port: server.port).text == "n=up")
    #expect(Self.drained(server))
  }

  @Test func endlessChunkedBodyIsCutOffAfterTheDiscardAllowance() throws {
    let server = try Self.start(
      HTTPServerConfiguration(maximumBodySize: 1 << 10, maximumDiscardedBodySize: 256 << 10))
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: 1, count: 16 << 10) + Array("\r\n".utf8)
    var refused = false
    for _ in 0..<1024 where !refused {
      do { try client.send(chunk) } catch { refused = true }
    }
    #expect(refused)
    // Answered, not just dropped: the 413 is written to the socket before the connection is closed.
    #expect(try client.readResponse().status == 413)
    #expect(try RawHTTPClient.get("/echo?n=alive", port: server.port).text == "n=alive")
    #expect(Self.drained(server))
  }

  /// One chunk announcing 2^64 − 1 bytes: refused with a 413 once the discard allowance is read, not
  /// left reading (or silent) until the client gives up.
  @Test func chunkOfMaximumSizeIsAnswered413() throws {
    let server = try Self.start(
      HTTPServerConfiguration(maximumBodySize: 1 << 10, maximumDiscardedBodySize: 256 << 10))
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    try client.send(
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n")
    let bytes = [UInt8](repeating: 7, count: 64 << 10)
    for _ in 0..<16 { try? client.send(bytes) }
    #expect(try client.readResponse().status == 413)
    #expect(try client.waitForClose())
    #expect(try RawHTTPClient.get("/echo?n=alive", port: server.port).text == "n=alive")
    #expect(Self.drained(server))
  }

  @Test func slowClientIsDisconnectedAfterTheTimeoutAndTheServerStillWorks() throws {
    let server = try Self.start(HTTPServerConfiguration(connectionTimeoutSeconds: 1))
    defer { server.stop() }
    let slow = try RawHTTPClient(port: server.port, receiveTimeoutSeconds: 4)
    try slow.send("GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n")
    let start = ContinuousClock.now
    #expect(try slow.waitForClose())
    #expect(ContinuousClock.now - start < .seconds(4))
    #expect(try RawHTTPClient.get("/echo?n=2", port: server.port).text == "n=2")
    #expect(Self.drained(server))
  }

  @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
    let server = try Self.start()
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    try client.send("GET /echo?n=first HTTP/1.1\r\nHost: x\r\n\r\n")
    #expect(try client.readResponse().text == "n=first")
    try client.send("GET /echo?n=second HTTP/1.1\r\nHost: x\r\n\r\n")
    #expect(try client.readResponse().text == "n=second")
    try client.send("HEAD /echo?n=third HTTP/1.1\r\nHost: x\r\n\r\n")
    let head = try client.readResponse(isHead: true)
    #expect(head.status == 200)
    try client.send("GET /echo?n=fourth HTTP/1.1\r\nHost: x\r\n\r\n")
    #expect(try client.readResponse().text == "n=fourth")
  }

  @Test(arguments: [
    "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /echo HTTP/9.9\r\nHost: x\r\n\r\n",
    "GET /echo HTTP/1.1\r\nno-colon-header\r\nHost: x\r\n\r\n", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n",
    "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "GET /%zz%00/../..?%zz=%ff HTTP/1.1\r\nHost: x\r\n\r\n",
  ])
  func malformedRequestsGet4xxAndNeverCrash(raw: String) throws {
    let server = try Self.start()
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    // The server may answer and close before a long request is fully sent.
    try? client.send(raw)
    if let response = try? client.readResponse() {
      #expect(
        (400..<500).contains(response.status) || response.status == 505,
        "\(raw.debugDescription) → \(response.status)")
    }
    #expect(try RawHTTPClient.get("/echo?n=ok", port: server.port).text == "n=ok")
    #expect(Self.drained(server))
  }

  @Test func staticFilesAnswer304LiveForAMatchingETag() throws {
    let directory = try AssetDirectory()
    var router = Self.router()
    router.mount(try StaticFiles(directory: directory.assets))
    let server = try Self.start(router: router)
    defer { server.stop() }
    let first = try RawHTTPClient.get("/assets/app.css", port: server.port)
    #expect(first.status == 200)
    #expect(first.text == "body{color:red}")
    let etag = try #require(first.header("ETag"))
    let second = try RawHTTPClient.get(
      "/assets/app.css", port: server.port, headers: "If-None-Match: \(etag)\r\n")
    #expect(second.status == 304)
    #expect(second.body.isEmpty)
  }

  @Test func gracefulStopFinishesInFlightRequestsThenRefusesConnections() throws {
    let server = try Self.start()
    let port = server.port
    let client = try RawHTTPClient(port: port)
    try client.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    usleep(100_000)
    server.stop()
    #expect(!server.isRunning)
    #expect(try client.readResponse().text == "slow done")
    #expect(throws: RawHTTPClient.Failure.self) { try RawHTTPClient(port: port) }
    server.stop()
  }

  @Test func invalidHostAndConfigurationAreRejected() {
    #expect(throws: HTTPServerError.invalidHost("localhost")) {
      try HTTPServer.start(host: "localhost", port: 0) { _ in .text("x") }
    }
    #expect(throws: HTTPServerError.invalidConfiguration("threadCount")) {
      try HTTPServer.start(port: 0, configuration: HTTPServerConfiguration(threadCount: 0)) { _ in .text("x")
      }
    }
  }
}
