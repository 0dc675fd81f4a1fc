import Foundation
import RunwatchCore

/// The block that tells an operator, in one sentence, why a run is (or was made) what it is.
public struct LifecycleExplanation: Sendable, Equatable {
  /// Whether the reconcile loop will heal a likely-stale run, from the policy of its type.
  public enum Healing: Sendable, Equatable {
    /// Scheduled reconciliation is on for the type; the loop runs every `intervalSeconds`.
    case scheduled(intervalSeconds: Int)
    /// The policy turns scheduled reconciliation off for the type: only its worker or queue can finish it.
    case notScheduled
  }

  /// Which situation is being explained.
  public enum Situation: Sendable, Equatable {
    /// Still active but past its window; `healing` says whether the reconciler will fail it.
    case likelyStale(allowedSeconds: Int?, activeSince: Date, healing: Healing)
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
    case .likelyStale(let allowedSeconds, let activeSince, let healing):
      let window = allowedSeconds.map { " of \(TimeText.duration(seconds: $0))" } ?? ""
      let activeFor = TimeText.duration(seconds: Int(now.timeIntervalSince(activeSince)))
      let doing = reason == .staleQueued ? "waited in the queue" : "gone without a progress report"
      let outlook: HTML =
        switch healing {
        case .scheduled(let interval):
          """
          Runwatch will mark it failed at its next reconciliation pass (it checks every \
          \(TimeText.duration(seconds: interval))); nobody needs to edit it by hand.
          """
        case .notScheduled:
          """
          Scheduled reconciliation is turned off for this type in the lifecycle policy, so Runwatch will not \
          fail it automatically: only its worker or its queue can finish it.
          """
        }
      return """
        <section class="lifecycle lifecycle--stale" data-reason-code="\(reason)" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title"><span aria-hidden="true">▲</span> Likely stale: \(description.label)</h2>
        <p>This run has \(doing) for \(activeFor), past its allowed window\(window), so its worker has probably stopped.</p>
        <p>\(outlook)</p>
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
