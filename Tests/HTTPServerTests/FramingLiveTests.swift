import Foundation
import Testing

@testable import HTTPServer

/// Request framing that libmicrohttpd 0.9.75 let through or left unanswered, answered per RFC 9112 and
/// followed by a close (the bytes after a bad head cannot be trusted).
@Suite("HTTP framing (live socket)", .serialized)
struct FramingLiveTests {
  static let manyParameters = (0..<900).map { "p\($0)=1" }.joined(separator: "&")

  @Test(arguments: [
    ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello", 400),
    ("GET /echo HTTP/1.1\r\n\r\n", 400),
    ("GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400),
    (
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 501
    ),
    (
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      400
    ),
    ("POST /upload HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
    ("GET /echo?\(manyParameters) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
  ])
  func badFramingIsAnsweredAndClosed(raw: String, status: Int) throws {
    let server = try LiveServerTests.start()
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port, receiveTimeoutSeconds: 3)
    try client.send(raw)
    let response = try client.readResponse()
    #expect(response.status == status, "\(raw.prefix(80).debugDescription)")
    #expect(response.header("Connection")?.lowercased() == "close")
    #expect(try client.waitForClose())
    #expect(try RawHTTPClient.get("/echo?n=ok", port: server.port).text == "n=ok")
    #expect(LiveServerTests.drained(server))
  }

  @Test func httpOneZeroWithoutHostAndRepeatedEqualLengthsAreServed() throws {
    let server = try LiveServerTests.start()
    defer { server.stop() }
    let old = try RawHTTPClient(port: server.port)
    try old.send("GET /echo?n=old HTTP/1.0\r\n\r\n")
    #expect(try old.readResponse().text == "n=old")
    let twice = try RawHTTPClient(port: server.port)
    try twice.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\na=b")
    #expect(try twice.readResponse().text == "got 3 form=-")
  }

  @Test func queryParametersUpToTheLimitReachTheHandler() throws {
    let server = try LiveServerTests.start()
    defer { server.stop() }
    let query = (0..<255).map { "p\($0)=1" }.joined(separator: "&")
    let response = try RawHTTPClient.get("/echo?\(query)&n=last", port: server.port)
    #expect(response.status == 200)
    #expect(response.text == "n=last")
  }

  @Test func headTrickledPastTheDeadlineIsAnswered408AndClosed() throws {
    let server = try LiveServerTests.start(HTTPServerConfiguration(requestDeadline: .seconds(2)))
    defer { server.stop() }
    let slow = try RawHTTPClient(port: server.port, receiveTimeoutSeconds: 6)
    try slow.send("GET /echo?n=1 HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    let start = ContinuousClock.now
    var refused = false
    // One header byte a second: never idle long enough for the inactivity timeout (30 s).
    for _ in 0..<3 where !refused {
      sleep(1)
      do { try slow.send("a") } catch { refused = true }
    }
    let response = try slow.readResponse()
    #expect(response.status == 408)
    #expect(try slow.waitForClose())
    #expect(ContinuousClock.now - start < .seconds(4))
    #expect(try RawHTTPClient.get("/echo?n=2", port: server.port).text == "n=2")
    #expect(LiveServerTests.drained(server))
  }

  @Test func oneAddressCannotTakeEveryConnection() throws {
    let server = try LiveServerTests.start(
      HTTPServerConfiguration(connectionLimit: 64, perAddressConnectionLimit: 8))
    defer { server.stop() }
    let hogs = try (0..<20).map { _ in try RawHTTPClient(port: server.port, receiveTimeoutSeconds: 2) }
    for hog in hogs { try? hog.send("GET /echo HTTP/1.1\r\nHost: x\r\n") }
    usleep(200_000)
    let closed = hogs.filter { (try? $0.waitForClose()) == true }.count
    #expect(closed >= 12)
    let fresh = try RawHTTPClient.get("/echo?n=fresh", port: server.port, sourceAddress: "127.0.0.2")
    #expect(fresh.text == "n=fresh")
  }
}
