import Foundation
import Testing

@testable import HTTPServer

@Suite("Router (in process)")
struct RouterTests {
  /// A router with an operations route that echoes its typed id.
  func operationsRouter() -> Router {
    var router = Router()
    router.get("/operations") { _ in .text("index") }
    router.get("/operations/:id(id)") { request in
      guard let id = request.pathParameter("id", as: Int64.self) else {
        return .text("?", status: .badRequest)
      }
      return .text("run \(id) via \(request.routeTemplate ?? "-")")
    }
    router.post("/operations/:id(id)/retry") { request in .text("retry \(request.pathParameters["id"]!)") }
    router.get("/tenants/:name") { request in
      .text("tenant \(request.pathParameter("name", as: String.self)!)")
    }
    return router
  }

  func get(_ router: Router, _ target: String) -> HTTPResponse {
    router.respond(to: HTTPRequest(method: .get, target: target))
  }

  @Test func typedIDParameterMatchesAndIsExposedWithTheTemplate() {
    let response = get(operationsRouter(), "/operations/42")
    #expect(response.status == .ok)
    #expect(response.bodyText == "run 42 via /operations/:id")
    #expect(
      get(operationsRouter(), "/operations/999999999999999999").bodyText.hasPrefix("run 999999999999999999"))
  }

  @Test(arguments: [
    "/operations/abc", "/operations/-1", "/operations/0", "/operations/+5", "/operations/1.5",
    "/operations/123456789012345678901234567890", "/operations/9999999999999999999",
    "/operations/1%00", "/operations/", "/operations/42/extra", "/nope", "/operations/%zz",
  ])
  func parametersOutsideTheAllowListAreNotFound(target: String) {
    var router = operationsRouter()
    router.notFoundHandler = { _ in .html("<p>styled 404</p>", status: .notFound) }
    let response = get(router, target)
    #expect(response.status == .notFound)
    #expect(response.bodyText == "<p>styled 404</p>")
  }

  @Test func slugParametersRejectTraversalAndOddCharacters() {
    let router = operationsRouter()
    #expect(get(router, "/tenants/acme-1").bodyText == "tenant acme-1")
    for bad in ["/tenants/..", "/tenants/a%2Fb", "/tenants/%3Cscript%3E", "/tenants/a%20b"] {
      #expect(get(router, bad).status == .notFound, "\(bad)")
    }
  }

  @Test func wrongMethodOnAKnownPathIs405WithAllowThroughTheErrorRenderer() {
    var router = operationsRouter()
    router.errorRenderer = { _, status in .html("<h1>\(status.code)</h1>", status: status) }
    let response = router.respond(to: HTTPRequest(method: .delete, target: "/operations/7"))
    #expect(response.status == .methodNotAllowed)
    #expect(response.headers["Allow"] == "GET, HEAD")
    #expect(response.bodyText == "<h1>405</h1>")
    let post = router.respond(to: HTTPRequest(method: .get, target: "/operations/7/retry"))
    #expect(post.status == .methodNotAllowed)
    #expect(post.headers["Allow"] == "POST")
  }

  @Test func headIsAnsweredByGetRoutes() {
    let response = operationsRouter().respond(to: HTTPRequest(method: .head, target: "/operations"))
    #expect(response.status == .ok)
  }

  @Test func queryKeepsOrderAndRepeatsAndDecodes() {
    let request = HTTPRequest(
      method: .get, target: "/operations?status=running&status=queued&q=a+b%2Fc&empty&x=%zz&y=%E2%82%AC&z=%")
    #expect(request.rawQuery == "status=running&status=queued&q=a+b%2Fc&empty&x=%zz&y=%E2%82%AC&z=%")
    #expect(request.query.all("status") == ["running", "queued"])
    #expect(request.query.first("status") == "running")
    #expect(request.query.first("q") == "a b/c")
    #expect(request.query.first("empty") == "")
    #expect(request.query.first("x") == "%zz")
    #expect(request.query.first("y") == "€")
    #expect(request.query.first("z") == "%")
    #expect(request.query.first("missing") == nil)
  }

  @Test func malformedAndInvalidUTF8EscapesNeverCrash() {
    let request = HTTPRequest(method: .get, target: "/a%zz/%FF%FE/%/b%2?%C3=%C3%28")
    #expect(request.pathSegments == ["a%zz", "\u{FFFD}\u{FFFD}", "%", "b%2"])
    #expect(request.query.pairs.count == 1)
    #expect(get(operationsRouter(), "/a%zz/%FF%FE/%/b%2?%C3=%C3%28").status == .notFound)
  }

  @Test func formBodiesAreParsedOnlyForFormContentType() {
    let body = Array("note=hello+world&tag=a&tag=b%26c".utf8)
    let form = HTTPRequest(
      method: .post, target: "/x",
      headers: ["Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"],
      body: body)
    #expect(form.formParameters.first("note") == "hello world")
    #expect(form.formParameters.all("tag") == ["a", "b&c"])
    let json = HTTPRequest(
      method: .post, target: "/x", headers: ["Content-Type": "application/json"], body: body)
    #expect(json.formParameters.isEmpty)
  }

  @Test func cookiesAndHeadersAreParsed() {
    let request = HTTPRequest(
      method: .get, target: "/",
      headers: HTTPHeaders([
        ("cookie", "session=abc; theme=\"dark\";bad; =x; session=second"), ("X-Thing", "1"),
      ]))
    #expect(request.cookie("session") == "abc")
    #expect(request.cookie("theme") == "dark")
    #expect(request.cookie("bad") == nil)
    #expect(request.cookies.count == 2)
    #expect(request.headers["x-thing"] == "1")
  }

  @Test func securityHeadersAreAppliedToEveryResponseIncludingErrors() {
    let router = operationsRouter()
    for response in [
      get(router, "/operations"), get(router, "/nope"),
      router.respond(rejecting: HTTPRequest(method: .post, target: "/x"), status: .payloadTooLarge),
    ] {
      #expect(
        response.headers["Content-Security-Policy"]
          == "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
      )
      #expect(response.headers["X-Content-Type-Options"] == "nosniff")
      #expect(response.headers["Referrer-Policy"] == "same-origin")
      #expect(response.headers["X-Frame-Options"] == "DENY")
      #expect(response.headers["Cache-Control"] == "private, no-store")
    }
  }

  @Test func handlerCacheControlIsKeptButSecurityHeadersAreEnforced() {
    var router = Router()
    router.get("/cached") { _ in
      var response = HTTPResponse.text("x")
      response.headers.set("Cache-Control", "public, max-age=60")
      response.headers.set("X-Frame-Options", "ALLOWALL")
      response.headers.add("Set-Cookie", "a=1")
      response.headers.add("Set-Cookie", "b=2")
      return response
    }
    let response = get(router, "/cached")
    #expect(response.headers["Cache-Control"] == "public, max-age=60")
    #expect(response.headers["X-Frame-Options"] == "DENY")
    #expect(response.headers.all("set-cookie") == ["a=1", "b=2"])
  }

  struct BlockPosts: Middleware {
    func respond(to request: HTTPRequest, next: (HTTPRequest) -> HTTPResponse) -> HTTPResponse {
      request.method == .post ? .text("blocked", status: .forbidden) : next(request)
    }
  }

  @Test func middlewareWrapsMatchedRoutes() {
    var router = operationsRouter()
    router.middleware = [BlockPosts()]
    #expect(
      router.respond(to: HTTPRequest(method: .post, target: "/operations/1/retry")).status == .forbidden)
    #expect(get(router, "/operations/1").status == .ok)
  }

  @Test func timingHookReportsTemplateStatusAndDuration() {
    let recorder = MetricsRecorder()
    var router = operationsRouter()
    router.onRequestCompleted = { recorder.record($0) }
    _ = get(router, "/operations/5")
    _ = get(router, "/missing/path")
    let metrics = recorder.all
    #expect(metrics.count == 2)
    #expect(metrics[0].routeTemplate == "/operations/:id")
    #expect(metrics[0].status == .ok)
    #expect(metrics[0].method == .get)
    #expect(metrics[0].duration >= .zero)
    #expect(metrics[1].routeTemplate == nil)
    #expect(metrics[1].status == .notFound)
    #expect(router.routeTemplates.map(\.template).contains("/operations/:id/retry"))
  }

  @Test func responseHelpersSetContentTypes() {
    #expect(HTTPResponse.html("<p>").headers["content-type"] == "text/html; charset=utf-8")
    #expect(HTTPResponse.json("{}").headers["Content-Type"] == "application/json")
    let redirect = HTTPResponse.redirect(to: "/operations")
    #expect(redirect.status.code == 303)
    #expect(redirect.headers["Location"] == "/operations")
    #expect(HTTPStatus.payloadTooLarge.description == "413 Content Too Large")
  }
}

/// Collects metrics from the router's hook (which may run on any thread).
final class MetricsRecorder: @unchecked Sendable {
  // @unchecked: every access to `items` goes through `lock`.
  private let lock = NSLock()
  private var items: [RequestMetrics] = []
  func record(_ metrics: RequestMetrics) { lock.withLock { items.append(metrics) } }
  var all: [RequestMetrics] { lock.withLock { items } }
}
