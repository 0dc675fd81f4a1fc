/// The error pages. Wording is fixed per kind and never includes the request (ids, paths, names), so a
/// missing run and a run the user may not see produce byte-identical 404 bodies.
public enum ErrorPageKind: Sendable, Equatable {
  /// 400: malformed request or parameter.
  case badRequest
  /// 403: signed in and entitled to the resource, but lacking `missingCapability`; or a refused form.
  case forbidden(missingCapability: String?)
  /// 404: missing, or not visible to this user (deliberately indistinguishable).
  case notFound
  /// 405: the path exists but not for this method.
  case methodNotAllowed
  /// 408: the request did not arrive in full within the server's deadline.
  case requestTimeout
  /// 413: request body over the limit.
  case payloadTooLarge
  /// 414: request line too long.
  case uriTooLong
  /// 429: too many requests.
  case tooManyRequests
  /// 500: an unexpected failure (the router aims never to need it).
  case internalError
  /// 501: an HTTP feature the server does not implement (a transfer coding other than chunked).
  case notImplemented

  /// The HTTP status code.
  public var status: Int {
    switch self {
    case .badRequest: 400
    case .forbidden: 403
    case .notFound: 404
    case .methodNotAllowed: 405
    case .requestTimeout: 408
    case .payloadTooLarge: 413
    case .uriTooLong: 414
    case .tooManyRequests: 429
    case .internalError: 500
    case .notImplemented: 501
    }
  }

  /// Short title.
  public var title: String {
    switch self {
    case .badRequest: "Bad request"
    case .forbidden: "Forbidden"
    case .notFound: "Not found"
    case .methodNotAllowed: "Method not allowed"
    case .requestTimeout: "Request timed out"
    case .payloadTooLarge: "Request too large"
    case .uriTooLong: "Address too long"
    case .tooManyRequests: "Too many requests"
    case .internalError: "Something went wrong"
    case .notImplemented: "Not supported"
    }
  }

  /// One sentence saying what happened.
  public var sentence: String {
    switch self {
    case .badRequest:
      "The request was not understood: a parameter is missing or has a value Runwatch does not accept."
    case .forbidden(let capability?):
      "You can see this workspace, but your role does not include the \(capability) capability needed for this page."
    case .forbidden(nil): "This request was refused. If you submitted a form, reload the page and try again."
    case .notFound: "This page does not exist, or you do not have access to it."
    case .methodNotAllowed: "This address does not accept that kind of request."
    case .requestTimeout:
      "The request did not arrive in full in time, so Runwatch closed the connection. Try again."
    case .payloadTooLarge: "The request body is larger than Runwatch accepts."
    case .uriTooLong: "The address is longer than Runwatch accepts."
    case .tooManyRequests: "Too many requests in a short time. Wait a moment and try again."
    case .internalError:
      "Runwatch could not complete this request. Try again; if it keeps happening, check the server log."
    case .notImplemented:
      "The request was sent with an HTTP feature Runwatch does not support (a transfer coding other than chunked)."
    }
  }
}

/// Renders an error page for any 4xx (or the rare 5xx).
public enum ErrorPage {
  /// The whole document; send it with `kind.status`.
  public static func render(_ kind: ErrorPageKind, chrome: PageChrome) -> HTML {
    let capability = HTML.unwrap(missingCapability(of: kind)) {
      "<p class=\"error-page__capability\">Missing capability: <code>\($0)</code></p>"
    }
    let main: HTML = """
      <div class="error-page" data-status="\(kind.status)">
      <p class="error-page__status">Error \(kind.status)</p>
      <h1>\(kind.title)</h1>
      <p>\(kind.sentence)</p>
      \(capability)
      <p><a class="button" href="/operations">Go to Operations</a></p>
      </div>
      """
    return Layout.document(title: kind.title, chrome: chrome.in(nil), main: main)
  }

  private static func missingCapability(of kind: ErrorPageKind) -> String? {
    if case .forbidden(let capability) = kind { return capability }
    return nil
  }
}
