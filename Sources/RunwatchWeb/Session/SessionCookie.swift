import HTTPServer

/// The cookies the web app sets and how: one place for names and attributes, so no route can forget
/// `HttpOnly` or `SameSite`.
public enum SessionCookie {
  /// The sign-in session cookie.
  public static let sessionName = "runwatch_session"
  /// The pre-session cookie the sign-in form's CSRF token is bound to.
  public static let loginName = "runwatch_csrf"

  /// `Set-Cookie` for a new session id: `HttpOnly` (no script reads it), `SameSite=Lax` (not sent on cross-site
  /// POSTs), whole-site path. No `Max-Age`: the server enforces idle and absolute expiry.
  static func session(_ value: String, secure: Bool) -> String {
    "\(sessionName)=\(value); Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
  }

  /// `Set-Cookie` that removes the session cookie.
  static func clearedSession(secure: Bool) -> String {
    "\(sessionName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secure ? "; Secure" : "")
  }

  /// `Set-Cookie` for the sign-in form's CSRF binding: only ever needed by `/login`, and never cross-site.
  static func login(_ value: String, secure: Bool) -> String {
    "\(loginName)=\(value); Path=/login; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
  }
}
