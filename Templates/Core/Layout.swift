/// The document around every page: head, skip link, header with navigation and user, and the main landmark.
public enum Layout {
  /// A complete HTML document. `title` names the page (the site name is appended); `main` is the content.
  public static func document(title: String, chrome: PageChrome, main: HTML) -> HTML {
    """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>\(title) · Runwatch</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/assets/app.css?v=\(QueryString.percentEncode(chrome.assets.css))">
    <script src="/assets/app.js?v=\(QueryString.percentEncode(chrome.assets.js))" defer></script>
    </head>
    <body>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
    <a class="brand" href="/operations"><img src="/assets/favicon.svg" alt="" width="24" height="24"> Runwatch</a>
    \(HTML.unwrap(chrome.user) { header(for: $0, section: chrome.section) })
    </header>
    <main id="main" tabindex="-1">
    \(main)
    </main>
    </body>
    </html>

    """
  }

  private static func header(for user: PageChrome.SignedInUser, section: PageChrome.Section?) -> HTML {
    """
    <nav class="site-nav" aria-label="Main">
    <ul>
    \(navLink("/operations", "Operations", isCurrent: section == .operations))
    \(navLink("/insights", "Insights", isCurrent: section == .insights))
    \(HTML.when(user.canViewAudit) { navLink("/audit", "Audit", isCurrent: section == .audit) })
    \(navLink("/notifications", notificationsLabel(unread: user.unreadNotifications), isCurrent: section == .notifications))
    </ul>
    </nav>
    <div class="site-user">
    \(workspace(for: user))
    <span class="site-user__name">Signed in as <strong>\(user.name)</strong></span>
    <form class="inline-form" method="post" action="/logout">
    <input type="hidden" name="csrf_token" value="\(user.csrfToken)">
    <button type="submit" class="button button--quiet">Sign out</button>
    </form>
    </div>
    """
  }

  private static func navLink(_ href: String, _ label: HTML, isCurrent: Bool) -> HTML {
    "<li><a href=\"\(href)\"\(HTML.attribute("aria-current=\"page\"", if: isCurrent))>\(label)</a></li>"
  }

  private static func notificationsLabel(unread: Int) -> HTML {
    guard unread > 0 else { return "Notifications" }
    return """
      Notifications <span class="count">\(PageChrome.unreadLabel(unread))<span class="visually-hidden"> unread</span></span>
      """
  }

  private static func workspace(for user: PageChrome.SignedInUser) -> HTML {
    guard user.workspaces.count > 1 else {
      return "<span class=\"site-user__workspace\">Workspace: <strong>\(user.workspace.name)</strong></span>"
    }
    return """
      <form class="inline-form workspace-switcher" method="post" action="/workspace">
      <input type="hidden" name="csrf_token" value="\(user.csrfToken)">
      <label for="workspace-select">Workspace</label>
      <select id="workspace-select" name="workspace">
      \(HTML.each(user.workspaces) { option in
        "<option value=\"\(option.slug)\"\(HTML.attribute("selected", if: option.slug == user.workspace.slug))>\(option.name)</option>"
      })
      </select>
      <button type="submit" class="button button--quiet">Switch</button>
      </form>
      """
  }
}
