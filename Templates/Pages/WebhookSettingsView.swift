import Foundation
import RunwatchCore

/// What the webhook settings page shows: the workspace's webhooks, the add form (as typed, after a refused
/// post), the secret of a webhook just added (once), and the latest deliveries.
public struct WebhookSettingsView: Sendable, Equatable {
  /// A configured webhook.
  public struct Item: Sendable, Equatable {
    /// Row id (the remove form's action).
    public var id: Int64
    /// Target URL.
    public var url: String
    /// Subscribed events.
    public var events: WebhookEvents
    /// Body format.
    public var format: WebhookFormat
    /// When it was added.
    public var createdAt: Date

    /// Creates an item.
    public init(id: Int64, url: String, events: WebhookEvents, format: WebhookFormat, createdAt: Date) {
      self.id = id
      self.url = url
      self.events = events
      self.format = format
      self.createdAt = createdAt
    }
  }

  /// One delivery.
  public struct Delivery: Sendable, Equatable {
    /// Row id (`X-Runwatch-Delivery`).
    public var id: Int64
    /// The webhook's URL.
    public var url: String
    /// The run reported.
    public var runID: Int64
    /// The event sent.
    public var event: String
    /// `pending`, `delivered` or `failed`.
    public var status: String
    /// Attempts made.
    public var attempts: Int
    /// HTTP status of the last answer.
    public var lastHTTPStatus: Int?
    /// The last error.
    public var lastError: String?
    /// When it was queued.
    public var createdAt: Date

    /// Creates a delivery row.
    public init(
      id: Int64, url: String, runID: Int64, event: String, status: String, attempts: Int,
      lastHTTPStatus: Int?,
      lastError: String?, createdAt: Date
    ) {
      self.id = id
      self.url = url
      self.runID = runID
      self.event = event
      self.status = status
      self.attempts = attempts
      self.lastHTTPStatus = lastHTTPStatus
      self.lastError = lastError
      self.createdAt = createdAt
    }
  }

  /// The add form as typed.
  public struct Form: Sendable, Equatable {
    /// URL as typed.
    public var url: String
    /// Secret as typed (blank: one is generated).
    public var secret: String
    /// Events ticked.
    public var events: WebhookEvents
    /// Format chosen.
    public var format: WebhookFormat

    /// Creates a form; the default ticks `run.failed` with the Runwatch format.
    public init(
      url: String = "", secret: String = "", events: WebhookEvents = WebhookEvents([.failed]),
      format: WebhookFormat = .runwatch
    ) {
      self.url = url
      self.secret = secret
      self.events = events
      self.format = format
    }
  }

  /// A webhook just added and its secret, shown once.
  public struct Added: Sendable, Equatable {
    /// Its URL.
    public var url: String
    /// Its signing secret.
    public var secret: String

    /// Creates the notice.
    public init(url: String, secret: String) {
      self.url = url
      self.secret = secret
    }
  }

  /// The workspace's name.
  public var workspaceName: String
  /// Its webhooks.
  public var webhooks: [Item]
  /// A page of its deliveries, newest first.
  public var deliveries: [Delivery]
  /// Where the next (older) page of deliveries starts, or nil.
  public var olderCursor: Int64?
  /// Whether this is a later page of deliveries.
  public var isLaterPage: Bool
  /// The add form.
  public var form: Form
  /// Why the last post was refused, or nil.
  public var error: String?
  /// The webhook just added, or nil.
  public var added: Added?
  /// The clock reading for relative times.
  public var now: Date

  /// Creates the view.
  public init(
    workspaceName: String, webhooks: [Item], deliveries: [Delivery], olderCursor: Int64? = nil,
    isLaterPage: Bool = false, form: Form = Form(), error: String? = nil, added: Added? = nil, now: Date
  ) {
    self.workspaceName = workspaceName
    self.webhooks = webhooks
    self.deliveries = deliveries
    self.olderCursor = olderCursor
    self.isLaterPage = isLaterPage
    self.form = form
    self.error = error
    self.added = added
    self.now = now
  }
}
