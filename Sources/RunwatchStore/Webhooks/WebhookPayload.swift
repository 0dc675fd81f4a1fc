import Foundation
import RunwatchCore

/// What a delivery says, rendered when it is sent (the run's terminal truth never changes, so the body is the
/// same whenever that is). Both formats link the run's canonical page, `<public URL>/operations/<id>`.
struct WebhookPayload {
  /// The run, as stored.
  let run: OperationRun
  /// Its workspace.
  let workspace: Workspace
  /// Its tenant's name; nil for a workspace-level run.
  let tenantName: String?
  /// The delivery's id (also `X-Runwatch-Delivery`).
  let deliveryID: Int64
  /// The delivery's event.
  let event: String
  /// Absolute URL of the run's page.
  let runURL: String

  /// The body in `format`.
  func body(_ format: WebhookFormat) -> [UInt8] {
    switch format {
    case .runwatch: JSONWriter.utf8(runwatch)
    case .slack: JSONWriter.utf8(["text": .string(slackText)])
    }
  }

  /// Runwatch's JSON: the delivery, every event the terminal write raised, the workspace and the run.
  var runwatch: JSONValue {
    var summary: [String: JSONValue] = [
      "id": .number(Double(run.id)), "url": .string(runURL), "type": .string(run.type),
      "type_label": .string(OperationTypeLabel.label(for: run.type)), "status": .string(run.status.rawValue),
      "outcome": .string(run.outcome.rawValue),
      "tenant_id": run.tenantID.map { .number(Double($0)) } ?? .null,
      "tenant_name": tenantName.map { .string($0) } ?? .null,
      "created_at": .string(RFC3339.string(from: run.createdAt)),
      "completed_at": run.completedAt.map { .string(RFC3339.string(from: $0)) } ?? .null,
      "summary_counts": .object(run.summaryCounts.mapValues { .number(Double($0)) }),
      "failure_count": .number(Double(run.failures.count)),
      "reason_code": .null, "reason_label": .null,
    ]
    if let reconciliation = run.reconciliation {
      let reason = ReasonCatalog.describe(reconciliation)
      summary["reason_code"] = .string(reconciliation.reason.rawValue)
      summary["reason_label"] = .string(reason.label)
    }
    let (title, message) = Notifications.wording(for: run)
    return [
      "delivery_id": .string(String(deliveryID)), "event": .string(event),
      "events": .array(WebhookEvents.raised(by: run).events.map { .string($0.rawValue) }),
      "occurred_at": .string(
        RFC3339.string(from: run.reconciliation?.reconciledAt ?? run.completedAt ?? run.createdAt)),
      "title": .string(title), "message": .string(message),
      "workspace": [
        "id": .number(Double(workspace.id)), "slug": .string(workspace.slug), "name": .string(workspace.name),
      ],
      "run": .object(summary),
    ]
  }

  /// One line for Slack: the run linked by its name, what happened, where; then the explanation. Slack reads
  /// `&`, `<` and `>` as markup, so they are escaped in everything but the link target.
  var slackText: String {
    let (title, message) = Notifications.wording(for: run)
    let name = "\(OperationTypeLabel.label(for: run.type)) #\(run.id)"
    let rest = title.hasPrefix(name) ? String(title.dropFirst(name.count)) : ": \(title)"
    let place = [tenantName, workspace.name].compactMap { $0 }.joined(separator: " · ")
    var text =
      "<\(runURL)|\(Self.slackEscaped(name))>\(Self.slackEscaped(rest)) (\(Self.slackEscaped(place)))"
    if !message.isEmpty { text += "\n" + Self.slackEscaped(message) }
    return text
  }

  static func slackEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
