import Foundation
import RunwatchCore

/// The run's history in order: queued → started → last heartbeat → completed or reconciled → late reports.
enum RunTimeline {
  static func render(_ view: RunDetailView) -> HTML {
    let run = view.run
    var steps: [HTML] = [step("Queued", at: run.createdAt, now: view.now, state: "done")]
    if let startedAt = run.startedAt {
      steps.append(step("Started by a worker", at: startedAt, now: view.now, state: "done"))
    } else if !run.status.isTerminal {
      steps.append("<li class=\"timeline__step timeline__step--pending\">Not started yet</li>")
    }
    if let heartbeat = run.lastHeartbeatAt {
      steps.append(step("Last progress report", at: heartbeat, now: view.now, state: "done"))
    } else if run.status == .running {
      steps.append("<li class=\"timeline__step timeline__step--pending\">No progress reported yet</li>")
    }
    if let completedAt = run.completedAt {
      let title: String
      if let reconciliation = run.reconciliation {
        title = "Reconciled by \(LifecycleExplanation.describeSource(reconciliation.source))"
      } else {
        title = "Completed by its worker"
      }
      steps.append(
        step(
          title, at: completedAt, now: view.now, state: run.reconciliation == nil ? "done" : "reconciled",
          extra: " — \(Badge.outcome(run.outcome))"))
    } else if view.freshness == .likelyStale {
      let waiting =
        view.healing == .notScheduled
        ? "Likely stale: waiting for its worker or queue (not reconciled automatically)"
        : "Likely stale: waiting for reconciliation"
      steps.append("<li class=\"timeline__step timeline__step--stale\">\(waiting)</li>")
    }
    for report in view.lateReports {
      steps.append(
        step(
          "Late report refused (\(RunDetailPage.humanize(report.kind)))", at: report.receivedAt,
          now: view.now,
          state: "late"))
    }
    return """
      <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">
      \(steps.joined(separator: "\n"))
      </ol>
      </section>
      """
  }

  private static func step(
    _ title: String, at date: Date, now: Date, state: String, extra: HTML = .empty
  ) -> HTML {
    """
    <li class="timeline__step timeline__step--\(state)"><span class="timeline__title">\(title)</span>\(extra) \
    <span class="timeline__time">\(TimeElement.absolute(date)) (\(TimeText.relative(date, now: now)))</span></li>
    """
  }
}
