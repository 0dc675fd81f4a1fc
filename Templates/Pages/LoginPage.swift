import Foundation

/// Why the last sign-in attempt did not work.
public enum LoginError: Sendable, Equatable {
  /// Unknown email or wrong password (deliberately the same message for both).
  case invalidCredentials
  /// Too many failed attempts; the next attempt is accepted from `retryAt`.
  case throttled(retryAt: Date)
  /// The form's CSRF token was missing or stale (for example the page sat open too long).
  case expiredForm

  /// The sentence shown to the user.
  public var message: String {
    switch self {
    case .invalidCredentials: "That email and password do not match an account. Check them and try again."
    case .throttled(let retryAt): "Too many attempts; try again at \(TimeText.clockUTC(retryAt))."
    case .expiredForm: "This form expired. Please sign in again."
    }
  }
}

/// Everything the sign-in page shows.
public struct LoginView: Sendable, Equatable {
  /// The email as typed (kept after an error so the user need not type it again).
  public var email: String
  /// Local path to return to after signing in (already checked to be local by the caller).
  public var next: String
  /// CSRF token for the sign-in form.
  public var csrfToken: String
  /// The error of the previous attempt, if any.
  public var error: LoginError?

  /// Creates the view.
  public init(email: String = "", next: String = "", csrfToken: String, error: LoginError? = nil) {
    self.email = email
    self.next = next
    self.csrfToken = csrfToken
    self.error = error
  }
}

/// `GET /login` and the re-rendered form after a failed `POST /login`.
public enum LoginPage {
  /// The whole document.
  public static func render(_ view: LoginView, chrome: PageChrome) -> HTML {
    let hasError = view.error != nil
    // The email field is `type="text" inputmode="email"`: `autocomplete="username"` pairs it with the password
    // for password managers, and axe-core as bundled for the browser suite (3.1) accepts `username` only on
    // text inputs. Format checks are pointless on sign-in (a wrong address gets the same answer as a wrong one).
    let main: HTML = """
      <div class="login">
      <h1>Sign in to Runwatch</h1>
      <div id="login-error" class="alert\(HTML.when(hasError) { " alert--error" })" role="alert">\
      \(HTML.unwrap(view.error) { "<p>\($0.message)</p>" })</div>
      <form class="login__form" method="post" action="/login">
      <input type="hidden" name="csrf_token" value="\(view.csrfToken)">
      <input type="hidden" name="next" value="\(view.next)">
      <div class="field">
      <label for="login-email">Email</label>
      <input id="login-email" name="email" type="text" inputmode="email" autocomplete="username" \
      autocapitalize="none" spellcheck="false" required \
      value="\(view.email)"\(HTML.when(hasError) { " aria-describedby=\"login-error\" aria-invalid=\"true\"" })\
      \(HTML.attribute("autofocus", if: view.email.isEmpty))>
      </div>
      <div class="field">
      <label for="login-password">Password</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required\
      \(HTML.attribute("autofocus", if: !view.email.isEmpty))>
      </div>
      <button type="submit" class="button">Sign in</button>
      </form>
      </div>
      """
    return Layout.document(title: "Sign in", chrome: chrome.in(nil), main: main)
  }
}
