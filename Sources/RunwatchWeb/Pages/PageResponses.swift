import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// Turns rendered pages and failures into responses, in one place, so every page and the session layer
/// answer errors with the same styled document and status.
public enum PageResponses {
  /// The styled error page for `kind`, with the status `kind` implies. `viewer` nil renders the anonymous
  /// chrome (sign-in pages, requests without a session). The body never mentions the request, so a missing
  /// run and a run the viewer may not see give byte-identical 404 bodies.
  public static func error(_ kind: ErrorPageKind, viewer: Viewer?, environment: WebEnvironment)
    -> HTTPResponse
  {
    let chrome = chrome(for: viewer, environment: environment)
    return .html(bytes: ErrorPage.render(kind, chrome: chrome).utf8, status: HTTPStatus(code: kind.status))
  }

  /// The 400 page for a query parameter whose value is not accepted, naming the parameter (never echoing
  /// its value).
  public static func badParameter(_ name: String, viewer: Viewer?, environment: WebEnvironment)
    -> HTTPResponse
  {
    badParameters([name], viewer: viewer, environment: environment)
  }

  /// The 400 page naming every parameter in `names` (never echoing a value), with a way back to the page
  /// without them.
  public static func badParameters(_ names: [String], viewer: Viewer?, environment: WebEnvironment)
    -> HTTPResponse
  {
    let kind = ErrorPageKind.badRequest
    let main: HTML = """
      <div class="error-page" data-status="\(kind.status)">
      <p class="error-page__status">Error \(kind.status)</p>
      <h1>\(kind.title)</h1>
      <p>\(kind.sentence)</p>
      <p class="error-page__parameter">\(names.count == 1 ? "Parameter" : "Parameters"): \
      \(HTML.each(names, separator: ", ") { "<code>\($0)</code>" })</p>
      <p><a class="button" href="/operations">Go to Operations</a></p>
      </div>
      """
    let document = Layout.document(
      title: kind.title, chrome: chrome(for: viewer, environment: environment), main: main)
    return .html(bytes: document.utf8, status: .badRequest)
  }

  /// The 503 page for a storage fault that may pass (disk full, I/O error, busy), with `Retry-After`.
  public static func unavailable(chrome: PageChrome) -> HTTPResponse {
    let main: HTML = """
      <div class="error-page" data-status="503">
      <p class="error-page__status">Error 503</p>
      <h1>Temporarily unavailable</h1>
      <p>Runwatch cannot store changes right now (its storage is full or busy). Nothing was lost; \
      try again in a few seconds.</p>
      <p><a class="button" href="/operations">Go to Operations</a></p>
      </div>
      """
    var response = HTTPResponse.html(
      bytes: Layout.document(title: "Temporarily unavailable", chrome: chrome, main: main).utf8,
      status: .serviceUnavailable)
    response.headers.set("Retry-After", "\(APIError.storageRetryAfterSeconds)")
    return response
  }

  /// The page for an unexpected failure: 503 for a transient storage fault, the 500 page otherwise.
  static func failure(_ error: any Error, chrome: PageChrome) -> HTTPResponse {
    if RunwatchDatabase.isTransientFault(error) { return unavailable(chrome: chrome) }
    return .html(
      bytes: ErrorPage.render(.internalError, chrome: chrome).utf8, status: .internalServerError)
  }

  /// A 200 page.
  static func page(_ html: HTML) -> HTTPResponse { .html(bytes: html.utf8) }

  /// Runs a page body, mapping a rejected parameter to its 400 page, a refused access (`orRefuse()`) to its
  /// 404 or 403 page, and any other failure (a database error) to a logged 500 page, so a handler never
  /// crashes or drops the connection.
  static func guarded(
    _ request: HTTPRequest, viewer: Viewer, environment: WebEnvironment, _ body: () throws -> HTTPResponse
  ) -> HTTPResponse {
    do {
      return try body()
    } catch let rejected as BadParameter {
      return badParameters(rejected.names, viewer: viewer, environment: environment)
    } catch let refused as PageRefusal {
      return error(refused.kind, viewer: viewer, environment: environment)
    } catch {
      environment.logger.error(
        "page failed",
        metadata: [
          "http.route": .string(request.routeTemplate ?? "-"),
          "error.type": .string(String(describing: type(of: error))),
        ])
      return failure(error, chrome: chrome(for: viewer, environment: environment))
    }
  }

  private static func chrome(for viewer: Viewer?, environment: WebEnvironment) -> PageChrome {
    viewer?.chrome(environment: environment, section: nil)
      ?? PageChrome(assets: environment.assetVersions, user: nil)
  }
}
