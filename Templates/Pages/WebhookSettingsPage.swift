import Foundation
import RunwatchCore

/// `/settings/webhooks`: the workspace's outbound webhooks (owners: `webhooks.manage`). Plain forms, so it
/// works without JavaScript; every value shown is escaped by `HTML`.
public enum WebhookSettingsPage {
  /// The page's path (the add form posts here too).
  public static let path = "/settings/webhooks"
  /// Deliveries per page.
  public static let pageSize = 50

  /// Where the remove form of webhook `id` posts.
  public static func removePath(id: Int64) -> String { "\(path)/\(id)/remove" }

  /// Operator words for an event.
  public static func label(_ event: WebhookEvent) -> String {
    switch event {
    case .failed: "A run failed"
    case .reconciled: "Runwatch reconciled a run (stale, timed out, queue failure, linked record)"
    case .resolvedByOperator: "An operator resolved a stuck run"
    case .terminal: "Any run finished, whatever its outcome"
    }
  }

  /// The whole document.
  public static func render(_ view: WebhookSettingsView, chrome: PageChrome) -> HTML {
    let csrf = chrome.user?.csrfToken ?? ""
    let main: HTML = """
      <div class="webhook-settings">
      <h1>Webhooks</h1>
      <p>Runwatch POSTs finished runs of <strong>\(view.workspaceName)</strong> to these URLs, signed with each \
      webhook's secret (<code>X-Runwatch-Signature</code>). Deliveries are retried with backoff when the receiver \
      is down. See <code>docs/webhooks.md</code> to verify a signature.</p>
      \(HTML.unwrap(view.added) { added(url: $0.url, secret: $0.secret) })
      \(list(view, csrf: csrf))
      \(addForm(view, csrf: csrf))
      \(deliveries(view))
      </div>
      """
    return Layout.document(title: "Webhooks", chrome: chrome.in(nil), main: main)
  }

  private static func added(url: String, secret: String) -> HTML {
    """
    <div class="alert alert--success" role="status" data-webhook-secret>
    <p>Webhook added for <code>\(url)</code>. Its signing secret is shown only now; store it with the receiver:</p>
    <p><code class="secret">\(secret)</code></p>
    </div>
    """
  }

  private static func list(_ view: WebhookSettingsView, csrf: String) -> HTML {
    guard !view.webhooks.isEmpty else {
      return "<div class=\"empty-state\" role=\"status\"><p>No webhooks yet.</p></div>"
    }
    return """
      <div class="table-scroll" role="region" aria-label="Webhooks" tabindex="0">
      <table class="data-table">
      <caption>Webhooks of this workspace</caption>
      <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Format</th>\
      <th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
      \(HTML.each(view.webhooks) { item in
        """
        <tr data-webhook-id="\(item.id)"><td><code>\(item.url)</code></td>\
        <td>\(HTML.each(item.events.events, separator: ", ") { "<code>\($0.rawValue)</code>" })</td>\
        <td>\(item.format.rawValue)</td><td>\(TimeElement.relative(item.createdAt, now: view.now))</td>\
        <td><form class="inline-form" method="post" action="\(removePath(id: item.id))">\
        <input type="hidden" name="csrf_token" value="\(csrf)">\
        <button type="submit" class="button button--quiet">Remove\
        <span class="visually-hidden"> the webhook to \(item.url)</span></button></form></td></tr>
        """
      })
      </tbody>
      </table>
      </div>
      """
  }

  private static func addForm(_ view: WebhookSettingsView, csrf: String) -> HTML {
    let form = view.form
    let hasError = view.error != nil
    return """
      <h2>Add a webhook</h2>
      <div id="webhook-error" class="alert\(HTML.when(hasError) { " alert--error" })" role="alert">\
      \(HTML.unwrap(view.error) { "<p>\($0)</p>" })</div>
      <form class="webhook-form" method="post" action="\(path)">
      <input type="hidden" name="csrf_token" value="\(csrf)">
      <div class="field">
      <label for="webhook-url">URL (http or https)</label>
      <input id="webhook-url" name="url" type="url" maxlength="\(WebhookURL.maximumLength)" required \
      value="\(form.url)"\(HTML.when(hasError) { " aria-describedby=\"webhook-error\"" })>
      </div>
      <fieldset class="field"><legend>Send when</legend>
      \(HTML.each(WebhookEvent.allCases) { event in
        """
        <label class="choice"><input type="checkbox" name="events" value="\(event.rawValue)"\
        \(HTML.attribute("checked", if: form.events.contains(event)))> \(label(event)) <code>\(event.rawValue)</code></label>
        """
      })
      </fieldset>
      <fieldset class="field"><legend>Format</legend>
      <label class="choice"><input type="radio" name="format" value="runwatch"\
      \(HTML.attribute("checked", if: form.format == .runwatch))> Runwatch JSON</label>
      <label class="choice"><input type="radio" name="format" value="slack"\
      \(HTML.attribute("checked", if: form.format == .slack))> Slack (incoming webhook: <code>{"text": …}</code>)</label>
      </fieldset>
      <div class="field">
      <label for="webhook-secret">Secret (optional: leave blank and Runwatch generates one)</label>
      <input id="webhook-secret" name="secret" type="text" autocomplete="off" maxlength="200" value="\(form.secret)">
      </div>
      <p><button type="submit" class="button">Add webhook</button></p>
      </form>
      """
  }

  private static func deliveries(_ view: WebhookSettingsView) -> HTML {
    let rows: HTML =
      view.deliveries.isEmpty
      ? "<div class=\"empty-state\" role=\"status\"><p>No deliveries yet.</p></div>"
      : """
      <div class="table-scroll" role="region" aria-label="Deliveries" tabindex="0">
      <table class="data-table">
      <caption>Deliveries, newest first</caption>
      <thead><tr><th scope="col">Delivery</th><th scope="col">Run</th><th scope="col">Event</th>\
      <th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last HTTP status</th>\
      <th scope="col">Last error</th><th scope="col">Queued</th><th scope="col">URL</th></tr></thead>
      <tbody>
      \(HTML.each(view.deliveries) { delivery in
          """
          <tr data-delivery-id="\(delivery.id)" data-delivery-status="\(delivery.status)"><td>\(delivery.id)</td>\
          <td><a href="/operations/\(delivery.runID)">#\(delivery.runID)</a></td><td><code>\(delivery.event)</code></td>\
          <td>\(delivery.status)</td><td>\(delivery.attempts)</td>\
          <td>\(delivery.lastHTTPStatus.map { String($0) } ?? "—")</td><td>\(delivery.lastError ?? "—")</td>\
          <td>\(TimeElement.relative(delivery.createdAt, now: view.now))</td><td><code>\(delivery.url)</code></td></tr>
          """
        })
      </tbody>
      </table>
      </div>
      """
    let older = HTML.unwrap(view.olderCursor) { cursor in
      """
      <nav class="pagination" aria-label="More deliveries">\
      <a rel="next" href="\(path)?before=\(cursor)">Older deliveries</a></nav>
      """
    }
    return """
      <h2>Latest deliveries</h2>
      \(HTML.when(view.isLaterPage) { "<p class=\"muted\">Older deliveries. <a href=\"\(path)\">Back to the newest</a></p>" })\
      \(rows)
      \(older)
      """
  }
}
