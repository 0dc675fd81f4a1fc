/// A run event a webhook can subscribe to. Each terminal write is one delivery per matching webhook, named after
/// the most specific event the webhook asked for (`run.resolved_by_operator` before `run.reconciled` before
/// `run.failed` before `run.terminal`); the payload lists every event the write matched.
public enum WebhookEvent: String, Sendable, CaseIterable, Comparable {
  /// The run ended `failed`, whoever ended it.
  case failed = "run.failed"
  /// Runwatch (not the worker) ended the run: the reconciler, the queue-failure bridge or a linked record.
  case reconciled = "run.reconciled"
  /// An operator marked a stuck run failed by hand (`run.resolved_by_operator`).
  case resolvedByOperator = "run.resolved_by_operator"
  /// Any terminal state.
  case terminal = "run.terminal"

  /// The event's bit in a stored `WebhookEvents` mask. Stable: stored in `webhooks.events`.
  public var bit: Int64 {
    switch self {
    case .failed: 1
    case .reconciled: 2
    case .resolvedByOperator: 4
    case .terminal: 8
    }
  }

  /// 0 for the most specific event, 3 for `run.terminal`.
  private var specificity: Int {
    switch self {
    case .resolvedByOperator: 0
    case .reconciled: 1
    case .failed: 2
    case .terminal: 3
    }
  }

  /// Orders from most to least specific (the order a delivery's name is chosen in).
  public static func < (lhs: WebhookEvent, rhs: WebhookEvent) -> Bool { lhs.specificity < rhs.specificity }
}

/// A set of `WebhookEvent`s as the integer mask stored beside a webhook and matched in SQL with `&`.
public struct WebhookEvents: OptionSet, Sendable, Hashable {
  /// The mask.
  public let rawValue: Int64

  /// Wraps a stored mask.
  public init(rawValue: Int64) { self.rawValue = rawValue }

  /// The set holding `events`.
  public init(_ events: some Sequence<WebhookEvent>) {
    self.init(rawValue: events.reduce(0) { $0 | $1.bit })
  }

  /// Every event.
  public static let all = WebhookEvents(WebhookEvent.allCases)

  /// The events in the set, most specific first.
  public var events: [WebhookEvent] { WebhookEvent.allCases.filter { rawValue & $0.bit != 0 }.sorted() }

  /// Whether `event` is in the set.
  public func contains(_ event: WebhookEvent) -> Bool { rawValue & event.bit != 0 }

  /// The events a terminal write of `run` (as stored after the write) raises: always `run.terminal`, plus
  /// `run.failed` for a failed outcome, `run.resolved_by_operator` for an operator's resolution, and
  /// `run.reconciled` for any other reconciliation record (reconciler, queue bridge, linked record). Empty for
  /// a run that is not terminal.
  public static func raised(by run: OperationRun) -> WebhookEvents {
    guard run.status.isTerminal else { return [] }
    var events: [WebhookEvent] = [.terminal]
    if run.outcome == .failed { events.append(.failed) }
    if let reason = run.reconciliation?.reason {
      events.append(reason == .resolvedByOperator ? .resolvedByOperator : .reconciled)
    }
    return WebhookEvents(events)
  }
}
