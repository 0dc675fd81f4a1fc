import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore

/// Resolves the `runwatch_session` cookie (or, in trusted-header mode, the proxy's header) to a `Viewer` and
/// guards page routes with it.
///
/// Page handlers never see an anonymous request: `signedIn` redirects those to `/login?next=…`. Sessions are
/// read without writing and touched only when their last recorded activity is older than the store's touch
/// interval, so reading pages does not take the write lock on every request.
public struct SessionGate: Sendable {
  let environment: WebEnvironment
  let options: SessionOptions
  let pages: ShellPages

  /// Creates the gate.
  public init(environment: WebEnvironment, options: SessionOptions) {
    self.environment = environment
    self.options = options
    pages = ShellPages(environment: environment)
  }

  /// What a request's credentials resolve to.
  enum Resolution {
    /// Signed in. `issuedCookie` is a session just created (trusted-header mode) to set on the response.
    case viewer(Viewer, issuedCookie: String?)
    /// Not signed in; `hadCookie` says a stale or unknown session cookie should be cleared.
    case anonymous(hadCookie: Bool)
    /// Signed in, but a member of no workspace: there is nothing they could open.
    case noWorkspace
  }

  /// Wraps a page handler: signed-in requests reach it with their `Viewer`; others are redirected to sign in.
  /// Reading a page never changes the session: a `?workspace=` parameter is ignored (the page is the current
  /// workspace's), because a cross-site link could otherwise switch what an operator is looking at. Switching
  /// is the CSRF-checked `POST /workspace`.
  public func signedIn(_ handler: @escaping PageHandler) -> Router.Handler {
    { request in
      do {
        switch try resolve(request) {
        case .anonymous(let hadCookie):
          return signInRedirect(for: request, clearingCookie: hadCookie)
        case .noWorkspace:
          return pages.error(.notFound)
        case .viewer(let viewer, let issuedCookie):
          var response = handler(request, viewer)
          if let issuedCookie {
            response.headers.add(
              "Set-Cookie", SessionCookie.session(issuedCookie, secure: options.secureCookies))
          }
          return response
        }
      } catch {
        environment.logger.error("session lookup failed", metadata: ["error": "\(error)"])
        return pages.failure(error)
      }
    }
  }

  /// The viewer for `request`, or why there is none. Trusted-header mode: a request from a trusted proxy
  /// carrying the header is signed in as that user (an existing session of another user is replaced).
  func resolve(_ request: HTTPRequest) throws -> Resolution {
    let cookie = request.cookie(SessionCookie.sessionName).flatMap { $0.isEmpty ? nil : $0 }
    let vouched = options.trustedHeader?.vouchedEmail(in: request)
    if let cookie, let cached = environment.viewers.viewer(cookie: cookie),
      vouched.map({ RunwatchDatabase.normalizedEmail($0) == cached.user.email }) ?? true
    {
      return .viewer(cached, issuedCookie: nil)
    }
    if let cookie, let session = try liveSession(cookie) {
      if let vouched,
        try environment.database.user(id: session.userID)?.email
          != RunwatchDatabase.normalizedEmail(vouched)
      {
        return try trustedSignIn(email: vouched, replacing: cookie)
      }
      guard let viewer = try viewer(session: session, cookie: cookie) else { return .noWorkspace }
      environment.viewers.remember(viewer, cookie: cookie)
      return .viewer(viewer, issuedCookie: nil)
    }
    if let vouched { return try trustedSignIn(email: vouched, replacing: cookie) }
    return .anonymous(hadCookie: cookie != nil)
  }

  /// The session behind `cookie`, touched when its activity record is due.
  private func liveSession(_ cookie: String) throws -> Session? {
    let identity = environment.identity
    guard let session = try identity.validateSession(cookie) else { return nil }
    let dueAt = session.lastSeenAt.addingTimeInterval(identity.sessionSettings.touchInterval)
    return identity.clock.now() >= dueAt ? try identity.touchSession(cookie) : session
  }

  private func trustedSignIn(email: String, replacing cookie: String?) throws -> Resolution {
    guard let user = try environment.database.user(email: email) else {
      environment.logger.notice("trusted header names no user")
      return .anonymous(hadCookie: cookie != nil)
    }
    if let cookie { environment.viewers.forget(cookie: cookie) }
    let issued = try environment.identity.createSession(userID: user.id, replacing: cookie)
    environment.logger.info("signed in by trusted header", metadata: ["user.id": "\(user.id)"])
    return try viewer(session: issued.session, cookie: issued.cookieValue).map {
      .viewer($0, issuedCookie: issued.cookieValue)
    } ?? .noWorkspace
  }

  /// Builds the viewer: user, principal, every workspace they belong to and the current one (the session's
  /// pick while still a member, else the first).
  private func viewer(session: Session, cookie: String) throws -> Viewer? {
    let database = environment.database
    guard let user = try database.user(id: session.userID),
      let principal = try database.principal(userID: session.userID)
    else { return nil }
    let workspaces = try database.memberships(userID: user.id).compactMap {
      try database.workspace(id: $0.workspaceID)
    }
    guard let first = workspaces.first else { return nil }
    let current = workspaces.first { $0.id == session.currentWorkspaceID } ?? first
    return Viewer(
      user: user, session: session, principal: principal, workspace: current, workspaces: workspaces)
  }

  /// `302` to the sign-in page, remembering where the visitor was going when it is a local page address.
  func signInRedirect(for request: HTTPRequest, clearingCookie: Bool) -> HTTPResponse {
    var location = SessionRoutes.loginPath
    let isRead = request.method == .get || request.method == .head
    if isRead, LocalRedirect.isLocalPath(request.target) {
      location += "?next=" + Self.percentEncode(request.target)
    }
    var response = HTTPResponse.redirect(to: location, status: isRead ? .found : .seeOther)
    if clearingCookie {
      response.headers.add("Set-Cookie", SessionCookie.clearedSession(secure: options.secureCookies))
    }
    return response
  }

  /// Percent-encodes everything but RFC 3986 unreserved characters and `/`, for a path inside a query value.
  static func percentEncode(_ text: String) -> String {
    var output = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"), UInt8(ascii: "/"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        output += byte < 16 ? "%0\(hex)" : "%\(hex)"
      }
    }
    return output
  }
}
