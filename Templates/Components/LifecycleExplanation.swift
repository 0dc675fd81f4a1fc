import Foundation
import RunwatchCore

/// The block that tells an operator, in one sentence, why a run is (or was made) what it is.
public struct LifecycleExplanation: Sendable, Equatable {
  /// Which situation is being explained.
  public enum Situation: Sendable, Equatable {
    /// Still active but past its window; the reconciler will fail it at its next tick.
    /// `nextTickAt` is when that tick is due, if the caller knows the loop's schedule.
    case likelyStale(allowedSeconds: Int?, activeSince: Date, nextTickAt: Date?)
    /// Completed by something other than its worker.
    case reconciled(at: Date, source: String)
  }

  /// The reason that applies (for a likely-stale run: the reason it will get).
  public var reason: ReasonCode
  /// What is being explained.
  public var situation: Situation

  /// Creates an explanation.
  public init(reason: ReasonCode, situation: Situation) {
    self.reason = reason
    self.situation = situation
  }

  /// Operator words for a reconciliation source code (`scheduled_reconciler` → "the scheduled reconciler").
  public static func describeSource(_ source: String) -> String {
    switch source {
    case "scheduled_reconciler": "the scheduled reconciler"
    case "cli": "an operator using the command line"
    case "queue_failure_bridge": "the job queue's failure report"
    case "adapter": "a check of the linked record"
    default: source
    }
  }

  /// The `<section data-reason-code>` block.
  public func render(now: Date) -> HTML {
    let description = ReasonCatalog.describe(reason)
    switch situation {
    case .likelyStale(let allowedSeconds, let activeSince, let nextTickAt):
      let window = allowedSeconds.map { " of \(TimeText.duration(seconds: $0))" } ?? ""
      let activeFor = TimeText.duration(seconds: Int(now.timeIntervalSince(activeSince)))
      let doing = reason == .staleQueued ? "waited in the queue" : "gone without a progress report"
      let tick = HTML.unwrap(nextTickAt, otherwise: "at the next reconciliation tick") { at in
        "at the next reconciliation tick (due \(TimeElement.relative(at, now: now)))"
      }
      return """
        <section class="lifecycle lifecycle--stale" data-reason-code="\(reason)" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title"><span aria-hidden="true">▲</span> Likely stale: \(description.label)</h2>
        <p>This run has \(doing) for \(activeFor), past its allowed window\(window), so its worker has probably stopped.</p>
        <p>Runwatch will mark it failed \(tick); nobody needs to edit it by hand.</p>
        <h3>Next steps</h3>
        <ol>\(HTML.each(description.nextSteps) { "<li>\($0)</li>" })</ol>
        </section>
        """
    case .reconciled(let at, let source):
      return """
        <section class="lifecycle lifecycle--reconciled" data-reason-code="\(reason)" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title"><span aria-hidden="true">✕</span> \(description.label)</h2>
        <p>\(description.explanation)</p>
        <h3>Next steps</h3>
        <ol>\(HTML.each(description.nextSteps) { "<li>\($0)</li>" })</ol>
        <p class="lifecycle__meta">Reconciled \(TimeElement.relative(at, now: now)) by \(Self.describeSource(source)) \
        (reason code <code>\(reason)</code>).</p>
        </section>
        """
    }
  }
}
