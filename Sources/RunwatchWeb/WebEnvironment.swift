import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore

/// Everything route handlers need, built once by `serve` (or by a test) and shared by every request.
public struct WebEnvironment: Sendable {
  /// The database (handlers only read it; writes go through `lifecycle` or `identity`).
  public let database: RunwatchDatabase
  /// The one service that changes run status.
  public let lifecycle: LifecycleService
  /// Users, sessions, tokens and sign-in throttling.
  public let identity: IdentityService
  /// Source of "now" for freshness and relative times.
  public let clock: any TimeSource
  /// The injected logger.
  public let logger: Logger
  /// Static assets from `Public/` (nil when serving without them, e.g. in some tests).
  public let assets: StaticFiles?
  /// Viewers resolved in the last second or two, by session cookie.
  public let viewers: ViewerCache
  /// Rendered list pages of the last second or two, by everything that decides what they show.
  public let pages: PageMicrocache
  /// Who may read `/metrics`.
  public let metricsAccess: MetricsAccess

  /// Creates the environment. `pageCacheSeconds` (0–2) is how long a rendered list page is reused for viewers
  /// of the same scope; 0 renders every request. `metricsAccess` says who may read `/metrics`.
  public init(
    database: RunwatchDatabase, lifecycle: LifecycleService, identity: IdentityService, clock: any TimeSource,
    logger: Logger, assets: StaticFiles?, pageCacheSeconds: TimeInterval = 1,
    metricsAccess: MetricsAccess = .open
  ) {
    self.database = database
    self.lifecycle = lifecycle
    self.identity = identity
    self.clock = clock
    self.logger = logger
    self.assets = assets
    viewers = ViewerCache(clock: clock)
    pages = PageMicrocache(clock: clock, ttl: pageCacheSeconds)
    self.metricsAccess = metricsAccess
  }

  /// The lifecycle policy in force.
  public var policy: LifecyclePolicy { database.policy }
}

/// The signed-in person a page is rendered for, resolved once per request by the session layer.
public struct Viewer: Sendable {
  /// The user.
  public var user: User
  /// Their session (carries the CSRF token for forms).
  public var session: Session
  /// What they may do, per workspace.
  public var principal: Principal
  /// The workspace pages list runs from (the session's current one).
  public var workspace: Workspace
  /// Every workspace the user is a member of, for the switcher.
  public var workspaces: [Workspace]

  /// Creates a viewer.
  public init(
    user: User, session: Session, principal: Principal, workspace: Workspace, workspaces: [Workspace]
  ) {
    self.user = user
    self.session = session
    self.principal = principal
    self.workspace = workspace
    self.workspaces = workspaces
  }

  /// The CSRF token every state-changing form carries.
  public var csrfToken: String { session.csrfToken }
}

/// A page handler for a signed-in viewer.
public typealias PageHandler = @Sendable (HTTPRequest, Viewer) -> HTTPResponse
