import HTTPServer
import RunwatchTemplates

/// The pages the app shell renders itself (sign-in, error pages for unknown routes, refused forms) with the
/// anonymous chrome. Their wording never depends on the request, so a 404 for a workspace the user is not in is
/// byte-identical to a 404 for an address that does not exist.
struct ShellPages: Sendable {
  let environment: WebEnvironment

  /// Cache-busting versions of the stylesheet and script: their content fingerprints.
  var assetVersions: PageChrome.AssetVersions {
    PageChrome.AssetVersions(
      css: environment.assets?.fingerprint(of: "app.css") ?? "0",
      js: environment.assets?.fingerprint(of: "app.js") ?? "0")
  }

  /// The chrome for someone not signed in.
  var anonymousChrome: PageChrome { PageChrome(assets: assetVersions, user: nil) }

  /// A styled error page with its status.
  func error(_ kind: ErrorPageKind) -> HTTPResponse {
    .html(bytes: ErrorPage.render(kind, chrome: anonymousChrome).utf8, status: HTTPStatus(code: kind.status))
  }

  /// The page for an unexpected failure: 503 with `Retry-After` for a transient storage fault (disk full…),
  /// the 500 page otherwise.
  func failure(_ error: any Error) -> HTTPResponse {
    PageResponses.failure(error, chrome: anonymousChrome)
  }

  /// The error page kind for a status the router or server produced.
  static func kind(for status: HTTPStatus) -> ErrorPageKind {
    switch status.code {
    case 400: .badRequest
    case 403: .forbidden(missingCapability: nil)
    case 404: .notFound
    case 405: .methodNotAllowed
    case 408: .requestTimeout
    case 413: .payloadTooLarge
    case 414: .uriTooLong
    case 429: .tooManyRequests
    case 501: .notImplemented
    default: status.code < 500 ? .badRequest : .internalError
    }
  }
}
