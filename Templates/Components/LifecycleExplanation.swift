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
    /// Still active but past `deadline` (the one that passed first); `healing` says whether the reconciler will
    /// fail it.
    case likelyStale(deadline: StaleDeadline, healing: Healing)
    /// Completed by something other than its worker.
    case reconciled(at: Date, source: String)
  }

  /// The reason that applies (for a likely-stale run: the reason it will get).
  public var reason: ReasonCode
  /// Which deadline fired (or, for a likely-stale run, has passed), when it was a running run's deadline.
  public var deadline: StaleDeadlineKind?
  /// What is being explained.
  public var situation: Situation
  /// For a likely-stale run the viewer may resolve: where to mark it failed by hand.
  public var resolvePath: String?
  /// For a run resolved by an operator: who, and their note.
  public var operatorNote: (name: String, note: String)?

  /// Creates an explanation.
  public init(
    reason: ReasonCode, deadline: StaleDeadlineKind? = nil, situation: Situation, resolvePath: String? = nil,
    operatorNote: (name: String, note: String)? = nil
  ) {
    self.reason = reason
    self.deadline = deadline
    self.situation = situation
    self.resolvePath = resolvePath
    self.operatorNote = operatorNote
  }

  public static func == (left: Self, right: Self) -> Bool {
    left.reason == right.reason && left.deadline == right.deadline && left.situation == right.situation
      && left.resolvePath == right.resolvePath && left.operatorNote?.name == right.operatorNote?.name
      && left.operatorNote?.note == right.operatorNote?.note
  }

  /// Operator words for a reconciliation source code (`scheduled_reconciler` → "the scheduled reconciler").
  public static func describeSource(_ source: String) -> String {
    switch source {
    case "scheduled_reconciler": "the scheduled reconciler"
    case "cli": "an operator using the command line"
    case "queue_failure_bridge": "the job queue's failure report"
    case "adapter": "a check of the linked record"
    case "operator": "an operator"
    default: source
    }
  }

  /// The `<section data-reason-code>` block.
  public func render(now: Date) -> HTML {
    let description = ReasonCatalog.describe(reason, deadline: deadline)
    switch situation {
    case .likelyStale(let deadline, let healing):
      let window = TimeText.duration(seconds: deadline.thresholdSeconds)
      let since = TimeText.duration(seconds: Int(now.timeIntervalSince(deadline.referenceTime)))
      let passed = TimeElement.relative(deadline.at, now: now)
      let what: HTML =
        switch deadline.kind {
        case .queueWait:
          """
          This run has waited in the queue for \(since) without a worker picking it up. Its allowed wait of \
          \(window) ran out \(passed): no worker seems to be taking runs from its queue.
          """
        case .heartbeat:
          """
          This run's worker last reported \(TimeElement.relative(deadline.referenceTime, now: now)) and has \
          been silent for \(since). Its heartbeat window of \(window) ran out \(passed), so the worker has \
          probably stopped.
          """
        case .maxRuntime:
          """
          This run has been running for \(since). Its maximum runtime of \(window) ran out \(passed): the work \
          is taking longer than the lifecycle policy allows, or its worker died or hung.
          """
        }
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
          fail it automatically: only its worker or its queue can finish it, or an owner or manager who marks \
          it failed by hand.
          """
        }
      let resolve: HTML = HTML.unwrap(resolvePath) { path in
        """
        <p class="lifecycle__resolve"><a class="button button--danger" href="\(path)">Mark as failed…</a> \
        If you have checked that it will not finish, close it with a note.</p>
        """
      }
      return """
        <section class="lifecycle lifecycle--stale" data-reason-code="\(reason)" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title"><span aria-hidden="true">▲</span> Likely stale: \(description.label)</h2>
        <p data-deadline="\(deadline.kind.rawValue)">\(what)</p>
        <p>\(outlook)</p>
        \(resolve)<h3>Next steps</h3>
        <ol>\(HTML.each(description.nextSteps) { "<li>\($0)</li>" })</ol>
        </section>
        """
    case .reconciled(let at, let source):
      return """
        <section class="lifecycle lifecycle--reconciled" data-reason-code="\(reason)"\
        \(HTML.unwrap(deadline) { " data-deadline=\"\($0.rawValue)\"" }) aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title"><span aria-hidden="true">✕</span> \(description.label)</h2>
        <p>\(description.explanation)</p>
        \(HTML.unwrap(operatorNote) { note in
          """
          <figure class="lifecycle__note"><blockquote><p>\(note.note)</p></blockquote>\
          <figcaption>— \(note.name)</figcaption></figure>
          """
        })<h3>Next steps</h3>
        <ol>\(HTML.each(description.nextSteps) { "<li>\($0)</li>" })</ol>
        <p class="lifecycle__meta">Reconciled \(TimeElement.relative(at, now: now)) by \(Self.describeSource(source)) \
        (reason code <code>\(reason)</code>).</p>
        </section>
        """
    }
  }
}
