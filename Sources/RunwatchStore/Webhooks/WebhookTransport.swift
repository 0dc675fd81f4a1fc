import Foundation

/// One signed POST of a delivery.
public struct WebhookRequest: Sendable {
  /// The webhook's URL.
  public var url: URL
  /// Headers: content type, event, delivery id, timestamp and signature.
  public var headers: [(name: String, value: String)]
  /// The body.
  public var body: [UInt8]

  /// The value of header `name` (case-insensitive), for tests.
  public func header(_ name: String) -> String? {
    headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
  }
}

/// What one attempt got.
public enum WebhookAttemptResult: Sendable, Equatable {
  /// The receiver answered with `status` (2xx counts as delivered).
  case answered(status: Int)
  /// No answer: connection refused, timeout, TLS failure… described for the settings page.
  case unreachable(String)
}

/// Sends a delivery over HTTP. `RunwatchWeb.URLSessionWebhookTransport` in `serve`; tests script answers.
/// Called from the delivery thread, never inside a database transaction; must return within its timeouts.
public protocol WebhookTransport: Sendable {
  /// POSTs `request` and waits for the answer's status.
  func send(_ request: WebhookRequest) -> WebhookAttemptResult
}
