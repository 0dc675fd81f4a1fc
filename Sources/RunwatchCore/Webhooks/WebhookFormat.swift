/// The body a webhook receives.
public enum WebhookFormat: String, Sendable, CaseIterable {
  /// Runwatch's JSON payload: the event and the run (see docs/webhooks.md).
  case runwatch
  /// A Slack-compatible incoming-webhook body: `{"text": "…"}` with a link to the run.
  case slack
}
