import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates
import RunwatchWeb
import TestStorage
import Testing

/// The answers the HTTP server produces on its own (framing refusals, the request deadline, body limits) say
/// what happened, on the styled page and in the API's JSON envelope alike, instead of a generic
/// "Something went wrong" (a 501 used to render the 500 page).
@Suite struct ServerRejectionWordingTests {
  static func app() throws -> RunwatchApp {
    try RunwatchApp.standard(
      environment: try AppFixture(addTestPage: false).environment, options: SessionOptions())
  }

  @Test(arguments: [
    (408, "Request timed out", "did not arrive in full in time"),
    (414, "Address too long", "longer than Runwatch accepts"),
    (501, "Not supported", "transfer coding other than chunked"),
  ])
  func pageNamesTheRefusal(status: Int, title: String, sentence: String) throws {
    let response = try Self.app().router.respond(
      rejecting: HTTPRequest(method: .post, target: "/operations"), status: HTTPStatus(code: status))
    #expect(response.status.code == status)
    #expect(response.bodyText.contains("<h1>\(title)</h1>"), "\(response.bodyText.prefix(300))")
    #expect(response.bodyText.contains(sentence))
    #expect(!response.bodyText.contains("Something went wrong"))
  }

  @Test(arguments: [
    (408, "request_timeout", "did not arrive in full in time"),
    (501, "not_implemented", "transfer coding other than chunked"),
  ])
  func apiEnvelopeNamesTheRefusal(status: Int, code: String, sentence: String) throws {
    let response = try Self.app().router.respond(
      rejecting: HTTPRequest(method: .post, target: "/api/v1/runs"), status: HTTPStatus(code: status))
    #expect(response.status.code == status)
    let error = JSONValue(jsonText: response.bodyText)?["error"]
    #expect(error?["code"]?.stringValue == code)
    #expect(error?["message"]?.stringValue?.contains(sentence) == true, "\(response.bodyText)")
  }
}
