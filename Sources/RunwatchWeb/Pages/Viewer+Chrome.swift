import Foundation
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

extension Viewer {
  /// The page chrome for this viewer: name, CSRF token, current and other workspaces, unread count, whether
  /// the Audit link shows, and the asset versions. Shared by every signed-in page and error page.
  ///
  /// The unread count is decoration: if the database cannot answer, the page still renders with 0 rather
  /// than turning a good page (or an error page) into a failure.
  public func chrome(environment: WebEnvironment, section: PageChrome.Section?) -> PageChrome {
    let unread =
      (try? environment.viewers.unreadCount(userID: user.id) {
        try environment.database.unreadNotificationCount(forUser: user.id, upTo: PageChrome.unreadCountLimit)
      }) ?? 0
    let canViewAudit =
      AccessControl.decide(principal: principal, workspaceID: workspace.id, requiring: .auditView) == .allowed
    let current = PageChrome.WorkspaceOption(slug: workspace.slug, name: workspace.name)
    let signedIn = PageChrome.SignedInUser(
      name: user.name, csrfToken: csrfToken, workspace: current,
      workspaces: workspaces.map { PageChrome.WorkspaceOption(slug: $0.slug, name: $0.name) },
      unreadNotifications: unread, canViewAudit: canViewAudit)
    return PageChrome(assets: environment.assetVersions, user: signedIn, section: section)
  }
}

extension WebEnvironment {
  /// Cache-busting versions of `app.css` and `app.js`: their content hashes when assets are loaded, a fixed
  /// marker otherwise (tests without `Public/`).
  public var assetVersions: PageChrome.AssetVersions {
    PageChrome.AssetVersions(
      css: assets?.fingerprint(of: "app.css") ?? "dev", js: assets?.fingerprint(of: "app.js") ?? "dev")
  }
}
