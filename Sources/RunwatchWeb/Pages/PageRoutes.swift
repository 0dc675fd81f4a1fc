import HTTPServer
import RunwatchTemplates

/// The signed-in pages: Operations index, run detail, audit log, notifications and webhook settings.
public enum PageRoutes {
  /// Registers every page route on `router`. `signedIn` (from the session layer) turns a page handler into a
  /// router handler: it resolves the session to a `Viewer`, redirects anonymous users to sign-in, and checks
  /// CSRF and origin on POSTs before the page handler runs.
  public static func register(
    on router: inout Router, environment: WebEnvironment,
    signedIn: @escaping @Sendable (@escaping PageHandler) -> Router.Handler
  ) {
    let operations = OperationsIndexHandler(environment: environment)
    let detail = RunDetailHandler(environment: environment)
    let audit = AuditHandler(environment: environment)
    let notifications = NotificationsHandler(environment: environment)
    let resolve = ResolveRunHandler(environment: environment)
    let insights = InsightsHandler(environment: environment)
    let webhooks = WebhookSettingsHandler(environment: environment)
    router.get("/operations", signedIn { operations.respond(to: $0, viewer: $1) })
    router.get("/operations/:id(id)", signedIn { detail.respond(to: $0, viewer: $1) })
    router.get("/operations/:id(id)/resolve", signedIn { resolve.confirm($0, viewer: $1) })
    router.post("/operations/:id(id)/resolve", signedIn { resolve.resolve($0, viewer: $1) })
    router.get("/insights", signedIn { insights.respond(to: $0, viewer: $1) })
    router.get("/audit", signedIn { audit.respond(to: $0, viewer: $1) })
    router.get("/notifications", signedIn { notifications.list($0, viewer: $1) })
    router.post("/notifications/:id(id)/read", signedIn { notifications.markRead($0, viewer: $1) })
    router.post(NotificationsPage.markAllReadPath, signedIn { notifications.markAllRead($0, viewer: $1) })
    router.post(NotificationsPage.preferencePath, signedIn { notifications.setPreference($0, viewer: $1) })
    router.get(WebhookSettingsPage.path, signedIn { webhooks.show($0, viewer: $1) })
    router.post(WebhookSettingsPage.path, signedIn { webhooks.add($0, viewer: $1) })
    router.post("\(WebhookSettingsPage.path)/:id(id)/remove", signedIn { webhooks.remove($0, viewer: $1) })
  }
}
