import Foundation
import Testing

@testable import HTTPServer

/// RFC 9112 framing: a request whose length or host is ambiguous is answered and its connection closed, never
/// served and never left without an answer.
@Suite("HTTP message framing (live socket)", .serialized)
struct MessageFramingTests {
  static let refused: [(name: String, request: String, status: Int)] = [
    ("HTTP/1.1 without Host", "GET /echo?n=1 HTTP/1.1\r\n\r\n", 400),
    ("two Host fields", "GET /echo?n=1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (
      "conflicting Content-Length fields",
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", 400
    ),
    (
      "a Content-Length list that disagrees",
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 5\r\n\r\nabcde", 400
    ),
    ("a signed Content-Length", "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400),
    (
      "Transfer-Encoding with Content-Length",
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      400
    ),
    (
      "an unknown transfer coding", "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
      501
    ),
    (
      "gzip before chunked",
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501
    ),
  ]

  @Test(arguments: 0..<refused.count)
  func ambiguousFramingIsRefusedAndTheConnectionClosed(index: Int) throws {
    let (name, request, status) = Self.refused[index]
    let server = try LiveServerTests.start()
    defer { server.stop() }
    let client = try RawHTTPClient(port: server.port)
    try client.send(request)
    let response = try client.readResponse()
    #expect(response.status == status, "\(name)")
    #expect(response.header("Connection")?.lowercased() == "close", "\(name)")
    #expect(!response.text.contains("got "), "\(name): the request must not reach the route")
    #expect(try client.waitForClose(), "\(name)")
    #expect(try RawHTTPClient.get("/echo?n=after", port: server.port).text == "n=after")
  }

  @Test func soundFramingIsServed() throws {
    let server = try LiveServerTests.start()
    defer { server.stop() }
    let accepted = [
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nabc",
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "GET /echo?n=old HTTP/1.0\r\n\r\n",
    ]
    for request in accepted {
      let client = try RawHTTPClient(port: server.port)
      try client.send(request)
      let response = try client.readResponse()
      #expect(response.status == 200, "\(request.debugDescription)")
    }
  }

  @Test func declaredLengthsAreOneDecimalNumber() {
    #expect(MessageFraming.declaredLength(["42"]) == 42)
    #expect(MessageFraming.declaredLength(["42", " 42 "]) == 42)
    #expect(MessageFraming.declaredLength(["42, 42"]) == 42)
    for bad in [[""], ["4 2"], ["-1"], ["0x10"], ["42", "43"], ["42,"], ["99999999999999999999"], ["٤٢"]] {
      #expect(MessageFraming.declaredLength(bad) == nil, "\(bad)")
    }
  }
}
