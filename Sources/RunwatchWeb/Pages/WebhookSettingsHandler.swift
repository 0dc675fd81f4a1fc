import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

/// `GET /settings/webhooks` (the current workspace's webhooks and latest deliveries), `POST` (add one; 422 with
/// the form as typed when refused) and `POST /settings/webhooks/<id>/remove`. Needs `webhooks.manage` in the
/// viewer's current workspace (owners); a webhook of another workspace is "not found". The session layer has
/// checked CSRF and origin on the posts. Reads and writes the database only: deliveries are the delivery
/// loop's business.
struct WebhookSettingsHandler: Sendable {
  let environment: WebEnvironment

  /// The longest secret accepted from the form.
  static let secretLimit = 200

  func show(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try authorized(viewer) {
        let reader = QueryReader(query: request.query)
        var collector = BadParameterCollector()
        let before = collector.read { () throws(BadParameter) in try reader.id("before") }
        try BadParameterCollector.finish(
          collector, unknown: reader.unknownNames(known: ["before", "workspace"]))
        return try page(viewer, before: before, form: .init(), error: nil, added: nil, status: .ok)
      }
    }
  }

  func add(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try authorized(viewer) {
        let fields = request.formParameters
        let typedEvents = fields.all("events")
        let events = WebhookEvents(typedEvents.compactMap(WebhookEvent.init(rawValue:)))
        let format = fields.first("format").flatMap(WebhookFormat.init(rawValue:))
        let secret = (fields.first("secret") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let form = WebhookSettingsView.Form(
          url: fields.first("url") ?? "", secret: fields.first("secret") ?? "", events: events,
          format: format ?? .runwatch)
        var problem: String?
        var url: URL?
        switch WebhookURL.validate(form.url) {
        case .success(let valid): url = valid
        case .failure(let refused): problem = refused.description
        }
        if problem == nil {
          if events.isEmpty || typedEvents.count != events.events.count {
            problem = "Choose at least one of the listed events."
          } else if format == nil {
            problem = "Choose a format: Runwatch JSON or Slack."
          } else if secret.count > Self.secretLimit || secret.contains(where: \.isWhitespace) {
            problem = "The secret must be at most \(Self.secretLimit) characters without spaces, or blank."
          }
        }
        guard problem == nil, let url, let format else {
          return try page(
            viewer, before: nil, form: form, error: problem, added: nil, status: .unprocessableContent)
        }
        let added = try environment.database.addWebhook(
          workspaceID: viewer.workspace.id, url: url.absoluteString, secret: secret.isEmpty ? nil : secret,
          events: events, format: format, at: environment.clock.now())
        environment.logger.info(
          "webhook added",
          metadata: ["webhook.id": "\(added.webhook.id)", "workspace.id": "\(viewer.workspace.id)"])
        return try page(
          viewer, before: nil, form: .init(), error: nil,
          added: .init(url: added.webhook.url, secret: added.secret), status: .created)
      }
    }
  }

  func remove(_ request: HTTPRequest, viewer: Viewer) -> HTTPResponse {
    PageResponses.guarded(request, viewer: viewer, environment: environment) {
      try authorized(viewer) {
        guard let id = request.pathParameter("id", as: Int64.self),
          try environment.database.removeWebhook(id: id, workspaceID: viewer.workspace.id)
        else { return PageResponses.error(.notFound, viewer: viewer, environment: environment) }
        environment.logger.info(
          "webhook removed", metadata: ["webhook.id": "\(id)", "workspace.id": "\(viewer.workspace.id)"])
        return .redirect(to: WebhookSettingsPage.path)
      }
    }
  }

  /// Runs `body` when the viewer holds `webhooks.manage` in their current workspace; the 403 page otherwise.
  private func authorized(_ viewer: Viewer, _ body: () throws -> HTTPResponse) throws -> HTTPResponse {
    try AccessControl.decide(
      principal: viewer.principal, workspaceID: viewer.workspace.id, requiring: .webhooksManage
    ).orRefuse()
    return try body()
  }

  private func page(
    _ viewer: Viewer, before: Int64?, form: WebhookSettingsView.Form, error: String?,
    added: WebhookSettingsView.Added?, status: HTTPStatus
  ) throws -> HTTPResponse {
    let database = environment.database
    let workspaceID = viewer.workspace.id
    let (webhooks, deliveries) = try database.snapshot {
      (
        try database.webhooks(workspaceID: workspaceID),
        try database.webhookDeliveries(
          workspaceID: workspaceID, before: before, limit: WebhookSettingsPage.pageSize)
      )
    }
    let view = WebhookSettingsView(
      workspaceName: viewer.workspace.name,
      webhooks: webhooks.map {
        .init(id: $0.id, url: $0.url, events: $0.events, format: $0.format, createdAt: $0.createdAt)
      },
      deliveries: deliveries.items.map {
        .init(
          id: $0.id, url: $0.url, runID: $0.runID, event: $0.event, status: $0.status.rawValue,
          attempts: $0.attempts, lastHTTPStatus: $0.lastHTTPStatus, lastError: $0.lastError,
          createdAt: $0.createdAt)
      },
      olderCursor: deliveries.olderCursor, isLaterPage: before != nil, form: form, error: error, added: added,
      now: environment.clock.now())
    // No Cache-Control here: the response policy's `private, no-store` keeps a page that shows a secret out of
    // every cache.
    return .html(
      bytes: WebhookSettingsPage.render(view, chrome: viewer.chrome(environment: environment, section: nil))
        .utf8,
      status: status)
  }
}
