import HTTPServer
import RunwatchStore

/// The one CSRF gate: every state-changing request to a page route (anything but `GET`/`HEAD`/`OPTIONS`
/// outside `/api/`) must pass the same-origin check and carry a valid hidden `csrf_token`, or it never reaches
/// its handler. The token is the session's (`SessionSecrets`) everywhere except `/login`, which has no session
/// yet and uses the signed pre-session token (`LoginForgeryGuard`). The worker API is exempt: it authenticates
/// with bearer tokens, which browsers never attach on their own.
struct FormProtection: Middleware {
  let loginForgery: LoginForgeryGuard
  /// The answer to a refused request (403 page).
  let refuse: @Sendable (HTTPRequest) -> HTTPResponse
  /// The answer to a refused sign-in form (403 with the form again, freshly tokened).
  let refuseLogin: @Sendable (HTTPRequest) -> HTTPResponse

  func respond(to request: HTTPRequest, next: (HTTPRequest) -> HTTPResponse) -> HTTPResponse {
    guard Self.needsProtection(request) else { return next(request) }
    let isLogin = request.routeTemplate == SessionRoutes.loginPath
    guard SameOrigin.allows(request) else { return isLogin ? refuseLogin(request) : refuse(request) }
    let token = request.formParameters.first("csrf_token")
    if isLogin {
      guard loginForgery.isValid(token: token, cookieValue: request.cookie(SessionCookie.loginName)) else {
        return refuseLogin(request)
      }
    } else {
      guard let token, let sessionID = request.cookie(SessionCookie.sessionName),
        SessionSecrets.isValidCSRFToken(token, forSessionID: sessionID)
      else { return refuse(request) }
    }
    return next(request)
  }

  static func needsProtection(_ request: HTTPRequest) -> Bool {
    guard ![.get, .head, .options].contains(request.method) else { return false }
    return !(request.path == "/api" || request.path.hasPrefix("/api/"))
  }
}
