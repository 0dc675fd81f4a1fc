/// What every page around the content needs to know: who is signed in, in which workspace, which section
/// is current, and which asset versions to link. Built once per request by the web layer.
public struct PageChrome: Sendable, Equatable {
  /// Unread notifications are counted up to this many; at the limit pages say "99+".
  public static let unreadCountLimit = 100

  /// How an unread count reads: the number, or "99+" once it reaches `unreadCountLimit`.
  public static func unreadLabel(_ count: Int) -> String {
    count >= unreadCountLimit ? "\(unreadCountLimit - 1)+" : String(count)
  }

  /// Cache-busting versions for `/assets/app.css` and `/assets/app.js` (for example a content hash).
  public struct AssetVersions: Sendable, Equatable {
    /// Version of `app.css`.
    public var css: String
    /// Version of `app.js`.
    public var js: String

    /// Creates asset versions.
    public init(css: String, js: String) {
      self.css = css
      self.js = js
    }
  }

  /// A workspace the user can switch to.
  public struct WorkspaceOption: Sendable, Equatable {
    /// URL-safe identifier posted by the switcher.
    public var slug: String
    /// Display name.
    public var name: String

    /// Creates a workspace option.
    public init(slug: String, name: String) {
      self.slug = slug
      self.name = name
    }
  }

  /// The signed-in user and what the navigation may offer them.
  public struct SignedInUser: Sendable, Equatable {
    /// Display name.
    public var name: String
    /// Session CSRF token, put in every form that changes state (sign-out, workspace switch, mark read).
    public var csrfToken: String
    /// The current workspace.
    public var workspace: WorkspaceOption
    /// Every workspace the user belongs to; the switcher appears when there is more than one.
    public var workspaces: [WorkspaceOption]
    /// Unread notifications, shown on the navigation link (counted up to `PageChrome.unreadCountLimit`).
    public var unreadNotifications: Int
    /// Whether to show the Audit link (the user holds `audit.view`).
    public var canViewAudit: Bool

    /// Creates the signed-in part of the chrome.
    public init(
      name: String, csrfToken: String, workspace: WorkspaceOption, workspaces: [WorkspaceOption],
      unreadNotifications: Int, canViewAudit: Bool
    ) {
      self.name = name
      self.csrfToken = csrfToken
      self.workspace = workspace
      self.workspaces = workspaces
      self.unreadNotifications = unreadNotifications
      self.canViewAudit = canViewAudit
    }
  }

  /// Navigation sections; the current one gets `aria-current="page"`.
  public enum Section: String, Sendable, Equatable {
    /// `/operations` and run detail pages.
    case operations
    /// `/insights`.
    case insights
    /// `/audit`.
    case audit
    /// `/notifications`.
    case notifications
  }

  /// Asset versions.
  public var assets: AssetVersions
  /// The signed-in user, or `nil` on the sign-in page and for anonymous error pages.
  public var user: SignedInUser?
  /// The section being shown.
  public var section: Section?

  /// Creates the chrome.
  public init(assets: AssetVersions, user: SignedInUser?, section: Section? = nil) {
    self.assets = assets
    self.user = user
    self.section = section
  }

  /// The same chrome with another current section.
  public func `in`(_ section: Section?) -> PageChrome {
    var copy = self
    copy.section = section
    return copy
  }
}
