import RunwatchCore

/// Status, outcome and freshness badges: a shape glyph plus words plus a CSS class, so meaning never rests
/// on colour alone (the glyph is hidden from screen readers because the words already say it).
public enum Badge {
  /// The badge for a run's freshness.
  public static func freshness(_ freshness: Freshness) -> HTML {
    switch freshness {
    case .freshActive: Rendered.freshActive
    case .likelyStale: Rendered.likelyStale
    case .reconciledFailed: Rendered.reconciledFailed
    case .terminalNormal: Rendered.terminalNormal
    case .unknown: Rendered.unknown
    }
  }

  /// The badge for a run's lifecycle status.
  public static func status(_ status: RunStatus) -> HTML {
    switch status {
    case .queued: Rendered.queued
    case .running: Rendered.running
    case .completed: Rendered.completed
    }
  }

  /// The badge for a run's outcome.
  public static func outcome(_ outcome: RunOutcome) -> HTML {
    switch outcome {
    case .pending: Rendered.pending
    case .succeeded: Rendered.succeeded
    case .partiallySucceeded: Rendered.partiallySucceeded
    case .blocked: Rendered.blocked
    case .failed: Rendered.failed
    case .cancelled: Rendered.cancelled
    }
  }

  /// Every badge, rendered once on first use: a list page shows three per row, and each is a function of
  /// its enum case alone.
  private enum Rendered {
    static let freshActive = render(.freshActive)
    static let likelyStale = render(.likelyStale)
    static let reconciledFailed = render(.reconciledFailed)
    static let terminalNormal = render(.terminalNormal)
    static let unknown = render(.unknown)

    static let queued = render(.queued)
    static let running = render(.running)
    static let completed = render(.completed)

    static let pending = render(.pending)
    static let succeeded = render(.succeeded)
    static let partiallySucceeded = render(.partiallySucceeded)
    static let blocked = render(.blocked)
    static let failed = render(.failed)
    static let cancelled = render(.cancelled)

    static func render(_ freshness: Freshness) -> HTML {
      let (glyph, text) = freshnessParts(freshness)
      return Badge.render(
        kind: "freshness", state: freshness.rawValue, glyph: glyph, text: text, title: "Freshness")
    }

    static func render(_ status: RunStatus) -> HTML {
      let (glyph, text) = statusParts(status)
      return Badge.render(kind: "status", state: status.rawValue, glyph: glyph, text: text, title: "Status")
    }

    static func render(_ outcome: RunOutcome) -> HTML {
      let (glyph, text) = outcomeParts(outcome)
      return Badge.render(
        kind: "outcome", state: outcome.rawValue, glyph: glyph, text: text, title: "Outcome")
    }
  }

  /// One badge that says where a run stands, instead of three that repeat each other ("Completed · Succeeded ·
  /// Finished"): waiting for a worker, running, likely stale (and which way), not covered, or how it ended
  /// (with "reconciled" when Runwatch finished it). Styled by what matters: the freshness when something is
  /// wrong or unknown, the outcome when it ended normally.
  public static func state(status: RunStatus, outcome: RunOutcome, freshness: Freshness) -> HTML {
    // Rendered once per combination (90 of them), like the other badges: a page of 50 rows costs lookups.
    renderedStates[StateKey(status: status, outcome: outcome, freshness: freshness)]
      ?? renderState(status: status, outcome: outcome, freshness: freshness)
  }

  private struct StateKey: Hashable {
    var status: RunStatus
    var outcome: RunOutcome
    var freshness: Freshness
  }

  private static let renderedStates: [StateKey: HTML] = Dictionary(
    uniqueKeysWithValues: Freshness.allCases.flatMap { freshness in
      RunOutcome.allCases.flatMap { outcome in
        RunStatus.allCases.map { status in
          (
            StateKey(status: status, outcome: outcome, freshness: freshness),
            renderState(status: status, outcome: outcome, freshness: freshness)
          )
        }
      }
    })

  private static func renderState(status: RunStatus, outcome: RunOutcome, freshness: Freshness) -> HTML {
    let (kind, state, glyph, text): (String, String, String, String) =
      switch freshness {
      case .reconciledFailed:
        ("freshness", freshness.rawValue, "✕", "\(outcomeParts(outcome).1) · reconciled")
      case .likelyStale:
        (
          "freshness", freshness.rawValue, "▲",
          status == .queued ? "Likely stale · never started" : "Likely stale · stopped reporting"
        )
      case .unknown:
        ("freshness", freshness.rawValue, "?", "\(statusParts(status).1) · not covered by the policy")
      case .terminalNormal:
        ("outcome", outcome.rawValue, outcomeParts(outcome).0, outcomeParts(outcome).1)
      case .freshActive:
        status == .queued
          ? ("status", status.rawValue, "○", "Waiting for a worker")
          : ("status", status.rawValue, "◐", "Running")
      }
    return render(kind: kind, state: state, glyph: glyph, text: text, title: "State")
  }

  /// Operator words for a freshness state (also used in filter selects and empty states).
  public static func label(for freshness: Freshness) -> String { freshnessParts(freshness).1 }
  /// Operator words for a status.
  public static func label(for status: RunStatus) -> String { statusParts(status).1 }
  /// Operator words for an outcome.
  public static func label(for outcome: RunOutcome) -> String { outcomeParts(outcome).1 }

  private static func render(kind: String, state: String, glyph: String, text: String, title: String) -> HTML
  {
    """
    <span class="badge badge--\(kind) badge--\(kind)-\(state)" title="\(title): \(text)">\
    <span class="badge__glyph" aria-hidden="true">\(glyph)</span> \(text)</span>
    """
  }

  private static func freshnessParts(_ freshness: Freshness) -> (String, String) {
    switch freshness {
    case .freshActive: ("●", "Active")
    case .likelyStale: ("▲", "Likely stale")
    case .reconciledFailed: ("✕", "Reconciled as failed")
    case .terminalNormal: ("✓", "Finished")
    case .unknown: ("?", "Unknown")
    }
  }

  private static func statusParts(_ status: RunStatus) -> (String, String) {
    switch status {
    case .queued: ("○", "Queued")
    case .running: ("◐", "Running")
    case .completed: ("■", "Completed")
    }
  }

  private static func outcomeParts(_ outcome: RunOutcome) -> (String, String) {
    switch outcome {
    case .pending: ("…", "Pending")
    case .succeeded: ("✓", "Succeeded")
    case .partiallySucceeded: ("◑", "Partially succeeded")
    case .blocked: ("⊘", "Blocked")
    case .failed: ("✕", "Failed")
    case .cancelled: ("–", "Cancelled")
    }
  }
}
