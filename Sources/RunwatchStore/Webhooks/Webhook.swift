import Foundation
import RunwatchCore

/// A workspace's outbound webhook as pages and the CLI list it. Its secret is not part of it: it is shown once,
/// when the webhook is added (`AddedWebhook`), and afterwards only the deliverer reads it.
public struct Webhook: Sendable, Equatable, Identifiable {
  /// Row id.
  public var id: Int64
  /// The workspace whose runs it reports.
  public var workspaceID: Int64
  /// Where deliveries are POSTed.
  public var url: String
  /// The events it is sent for.
  public var events: WebhookEvents
  /// The body it receives.
  public var format: WebhookFormat
  /// When it was added.
  public var createdAt: Date
}

/// A webhook just added, with its signing secret: the only time the secret leaves the database.
public struct AddedWebhook: Sendable, Equatable {
  /// The webhook.
  public var webhook: Webhook
  /// The secret receivers verify `X-Runwatch-Signature` with.
  public var secret: String
}

/// Where a delivery stands.
public enum WebhookDeliveryStatus: String, Sendable, CaseIterable {
  /// Not delivered yet: due now, waiting for a retry, or being sent.
  case pending
  /// The receiver answered 2xx.
  case delivered
  /// Given up after the retry schedule's last attempt.
  case failed
}

/// One outbox row as the settings page lists it.
public struct WebhookDelivery: Sendable, Equatable, Identifiable {
  /// Row id: the `X-Runwatch-Delivery` header receivers de-duplicate by.
  public var id: Int64
  /// The webhook it is for.
  public var webhookID: Int64
  /// That webhook's URL.
  public var url: String
  /// The run it reports.
  public var runID: Int64
  /// The event it was sent as.
  public var event: String
  /// Where it stands.
  public var status: WebhookDeliveryStatus
  /// Attempts made (a claim counts as one, so a crash mid-send is counted).
  public var attempts: Int
  /// HTTP status of the last answer, when there was one.
  public var lastHTTPStatus: Int?
  /// What went wrong last (connection refused, timeout, a non-2xx status), or nil.
  public var lastError: String?
  /// When the terminal write queued it.
  public var createdAt: Date
  /// When it is due next (pending ones).
  public var nextAttemptAt: Date
  /// When it was delivered or given up.
  public var finishedAt: Date?
}

/// A page of deliveries, newest first, and where the next (older) page starts.
public struct WebhookDeliveryPage: Sendable, Equatable {
  /// The deliveries on this page.
  public var items: [WebhookDelivery]
  /// Pass as `before` for the next page; nil on the last.
  public var olderCursor: Int64?
}
