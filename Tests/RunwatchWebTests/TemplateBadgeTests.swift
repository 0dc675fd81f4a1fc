import RunwatchCore
import RunwatchTemplates
import TestStorage
import Testing

/// Badges are rendered once per case now; every case must read exactly as it did when each call rendered it.
@Suite("Template badges")
struct TemplateBadgeTests {
  typealias Former = FormerBadge

  @Test func everyBadgeRendersAsBefore() {
    for freshness in Freshness.allCases {
      #expect(Badge.freshness(freshness).rendered == Former.freshness(freshness), "\(freshness)")
      #expect(Badge.label(for: freshness) == Former.freshnessParts(freshness).1)
    }
    for status in RunStatus.allCases {
      #expect(Badge.status(status).rendered == Former.status(status), "\(status)")
      #expect(Badge.label(for: status) == Former.statusParts(status).1)
    }
    for outcome in RunOutcome.allCases {
      #expect(Badge.outcome(outcome).rendered == Former.outcome(outcome), "\(outcome)")
      #expect(Badge.label(for: outcome) == Former.outcomeParts(outcome).1)
    }
  }

  @Test func badgeMarkupLiterally() {
    #expect(
      Badge.freshness(.likelyStale).rendered
        == "<span class=\"badge badge--freshness badge--freshness-likely_stale\" title=\"Freshness: Likely stale\">"
        + "<span class=\"badge__glyph\" aria-hidden=\"true\">▲</span> Likely stale</span>")
    #expect(
      Badge.outcome(.partiallySucceeded).rendered
        == "<span class=\"badge badge--outcome badge--outcome-partially_succeeded\" "
        + "title=\"Outcome: Partially succeeded\"><span class=\"badge__glyph\" aria-hidden=\"true\">◑</span> "
        + "Partially succeeded</span>")
    #expect(
      Badge.status(.queued).rendered
        == "<span class=\"badge badge--status badge--status-queued\" title=\"Status: Queued\">"
        + "<span class=\"badge__glyph\" aria-hidden=\"true\">○</span> Queued</span>")
  }
}

/// The badge code before badges were rendered once, kept as the reference (escaping done by the former
/// escaper, so the reference does not lean on the code under test).
enum FormerBadge {
  static func freshness(_ freshness: Freshness) -> String {
    let (glyph, text) = freshnessParts(freshness)
    return render(kind: "freshness", state: freshness.rawValue, glyph: glyph, text: text, title: "Freshness")
  }

  static func status(_ status: RunStatus) -> String {
    let (glyph, text) = statusParts(status)
    return render(kind: "status", state: status.rawValue, glyph: glyph, text: text, title: "Status")
  }

  static func outcome(_ outcome: RunOutcome) -> String {
    let (glyph, text) = outcomeParts(outcome)
    return render(kind: "outcome", state: outcome.rawValue, glyph: glyph, text: text, title: "Outcome")
  }

  static func render(kind: String, state: String, glyph: String, text: String, title: String) -> String {
    let escape = TemplateEscapingPropertyTests.formerEscape
    return "<span class=\"badge badge--\(escape(kind)) badge--\(escape(kind))-\(escape(state))\" "
      + "title=\"\(escape(title)): \(escape(text))\"><span class=\"badge__glyph\" aria-hidden=\"true\">"
      + "\(escape(glyph))</span> \(escape(text))</span>"
  }

  static func freshnessParts(_ freshness: Freshness) -> (String, String) {
    switch freshness {
    case .freshActive: ("●", "Active")
    case .likelyStale: ("▲", "Likely stale")
    case .reconciledFailed: ("✕", "Reconciled as failed")
    case .terminalNormal: ("✓", "Finished")
    case .unknown: ("?", "Unknown")
    }
  }

  static func statusParts(_ status: RunStatus) -> (String, String) {
    switch status {
    case .queued: ("○", "Queued")
    case .running: ("◐", "Running")
    case .completed: ("■", "Completed")
    }
  }

  static func outcomeParts(_ outcome: RunOutcome) -> (String, String) {
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

/// One state badge per run instead of three that repeat each other.
@Suite struct RunStateBadgeTests {
  func words(_ status: RunStatus, _ outcome: RunOutcome, _ freshness: Freshness) -> String {
    let html = Badge.state(status: status, outcome: outcome, freshness: freshness).rendered
    return String(html.split(separator: "</span> ").last?.dropLast("</span>".count) ?? "")
  }

  @Test func saysWhereARunStandsInOneBadge() {
    #expect(words(.queued, .pending, .freshActive) == "Waiting for a worker")
    #expect(words(.running, .pending, .freshActive) == "Running")
    #expect(words(.queued, .pending, .likelyStale) == "Likely stale · never started")
    #expect(words(.running, .pending, .likelyStale) == "Likely stale · stopped reporting")
    #expect(words(.running, .pending, .unknown) == "Running · not covered by the policy")
    #expect(words(.completed, .succeeded, .terminalNormal) == "Succeeded")
    #expect(words(.completed, .failed, .terminalNormal) == "Failed")
    #expect(words(.completed, .failed, .reconciledFailed) == "Failed · reconciled")
    #expect(words(.completed, .cancelled, .terminalNormal) == "Cancelled")
    // A worker's failure is styled as a failure, not as "finished" (the old third badge).
    let failed = Badge.state(status: .completed, outcome: .failed, freshness: .terminalNormal).rendered
    #expect(failed.contains("badge--outcome-failed"))
    #expect(!failed.contains("Finished"))
  }
}
