import Foundation
import HTTPServer
import RunwatchStore
import RunwatchTemplates

/// `/login`, `/logout` and `/workspace`: signing in and out and picking the current workspace. CSRF and
/// same-origin checks for the POSTs happen before these handlers, in `FormProtection`.
struct SessionRoutes: Sendable {
  static let loginPath = "/login"

  let gate: SessionGate
  let loginForgery: LoginForgeryGuard
  private var environment: WebEnvironment { gate.environment }
  private var pages: ShellPages { gate.pages }
  private var secure: Bool { gate.options.secureCookies }

  func register(on router: inout Router) {
    router.get(Self.loginPath) { request in showLogin(request) }
    router.post(Self.loginPath) { request in signIn(request) }
    router.post("/logout") { request in signOut(request) }
    router.post("/workspace", gate.signedIn { request, viewer in switchWorkspace(request, viewer: viewer) })
  }

  /// `GET /login`: the form, or straight on when already signed in (including by a trusted proxy header).
  func showLogin(_ request: HTTPRequest) -> HTTPResponse {
    let next = request.query.first("next").flatMap { LocalRedirect.isLocalPath($0) ? $0 : nil }
    if case .viewer(_, let issued)? = try? gate.resolve(request) {
      var response = HTTPResponse.redirect(to: LocalRedirect.target(next), status: .found)
      if let issued { response.headers.add("Set-Cookie", SessionCookie.session(issued, secure: secure)) }
      return response
    }
    return loginForm(request, view: LoginView(next: next ?? "", csrfToken: ""), status: .ok)
  }

  /// `POST /login`: checks the credentials (throttled by account, and by client address only against many
  /// unknown accounts; see `LoginThrottleSettings`) and starts a fresh session,
  /// replacing whatever session id the browser came with.
  func signIn(_ request: HTTPRequest) -> HTTPResponse {
    let form = request.formParameters
    let email = form.first("email") ?? ""
    let password = form.first("password") ?? ""
    let next = form.first("next").flatMap { LocalRedirect.isLocalPath($0) ? $0 : nil }
    let view = LoginView(email: email, next: next ?? "", csrfToken: "")
    let result: SignInResult
    do {
      result = try environment.identity.signIn(
        email: email, password: password, address: gate.options.clientAddress(of: request),
        replacing: request.cookie(SessionCookie.sessionName))
    } catch {
      environment.logger.error("sign-in failed", metadata: ["error": "\(error)"])
      return pages.failure(error)
    }
    switch result {
    case .signedIn(let user, let issued):
      environment.logger.info("signed in", metadata: ["user.id": "\(user.id)"])
      var response = HTTPResponse.redirect(to: LocalRedirect.target(next))
      response.headers.add("Set-Cookie", SessionCookie.session(issued.cookieValue, secure: secure))
      return response
    case .invalidCredentials:
      environment.logger.info("sign-in refused: invalid credentials")
      var failed = view
      failed.error = .invalidCredentials
      return loginForm(request, view: failed, status: .unauthorized)
    case .throttled(let retryAt):
      environment.logger.notice("sign-in refused: throttled")
      var throttled = view
      throttled.error = .throttled(retryAt: retryAt)
      var response = loginForm(request, view: throttled, status: .tooManyRequests)
      let seconds = max(1, Int(retryAt.timeIntervalSince(environment.clock.now()).rounded(.up)))
      response.headers.set("Retry-After", "\(seconds)")
      return response
    }
  }

  /// The sign-in form again after `FormProtection` refused a post: 403, the typed e-mail kept, a fresh token.
  func refusedLogin(_ request: HTTPRequest) -> HTTPResponse {
    let form = request.formParameters
    let next = form.first("next").flatMap { LocalRedirect.isLocalPath($0) ? $0 : nil }
    let view = LoginView(
      email: form.first("email") ?? "", next: next ?? "", csrfToken: "", error: .expiredForm)
    return loginForm(request, view: view, status: .forbidden)
  }

  /// `POST /logout`: ends the session and clears the cookie.
  func signOut(_ request: HTTPRequest) -> HTTPResponse {
    if let cookie = request.cookie(SessionCookie.sessionName) {
      environment.viewers.forget(cookie: cookie)
      do {
        try environment.identity.destroySession(cookie)
      } catch {
        environment.logger.error("sign-out failed", metadata: ["error": "\(error)"])
        return pages.failure(error)
      }
    }
    var response = HTTPResponse.redirect(to: Self.loginPath)
    response.headers.add("Set-Cookie", SessionCookie.clearedSession(secure: secure))
    return response
  }

  /// `POST /workspace` (field `workspace` = slug): makes it the session's current workspace, then shows its
  /// runs. A workspace the user is not a member of answers the 404 page, like one that does not exist.
  func switchWorkspace(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    guard let slug = request.formParameters.first("workspace"),
      let target = viewer.workspaces.first(where: { $0.slug == slug }),
      let cookie = request.cookie(SessionCookie.sessionName)
    else { return pages.error(.notFound) }
    do {
      environment.viewers.forget(cookie: cookie)
      guard try environment.identity.setCurrentWorkspace(target.id, forSession: cookie) else {
        return pages.error(.notFound)
      }
    } catch {
      environment.logger.error("workspace switch failed", metadata: ["error": "\(error)"])
      return pages.failure(error)
    }
    return .redirect(to: LocalRedirect.fallback)
  }

  /// Renders the sign-in form with a token bound to the browser's `runwatch_csrf` cookie (issuing one if it
  /// has none we could have made).
  private func loginForm(_ request: HTTPRequest, view: LoginView, status: HTTPStatus) -> HTTPResponse {
    var view = view
    var cookie = request.cookie(SessionCookie.loginName)
    var issued = false
    do {
      if !loginForgery.isWellFormed(cookie) {
        cookie = try loginForgery.newCookieValue()
        issued = true
      }
      view.csrfToken = try loginForgery.token(forCookie: cookie ?? "")
    } catch {
      environment.logger.error("sign-in form token failed", metadata: ["error": "\(error)"])
      return pages.error(.internalError)
    }
    var response = HTTPResponse.html(
      bytes: LoginPage.render(view, chrome: pages.anonymousChrome).utf8, status: status)
    if issued, let cookie { response.headers.add("Set-Cookie", SessionCookie.login(cookie, secure: secure)) }
    return response
  }
}
