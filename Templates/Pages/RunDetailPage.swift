import Foundation
import RunwatchCore

/// `GET /operations/<id>`: the canonical run page notifications link to.
public enum RunDetailPage {
  /// The whole document.
  public static func render(_ view: RunDetailView, chrome: PageChrome) -> HTML {
    let run = view.run
    let label = OperationTypeLabel.label(for: run.type)
    let main: HTML = """
      <article class="run-detail" data-run-id="\(run.id)" data-freshness="\(view.freshness)" \
      data-live="run"\(HTML.attribute("data-live-active", if: !run.status.isTerminal))>
      <header class="run-header">
      <p class="breadcrumb"><a href="/operations">Operations</a> / Run #\(run.id)</p>
      <h1>\(label) <span class="run-id">#\(run.id)</span></h1>
      <p class="run-header__meta">Tenant: <strong>\(view.tenantName ?? "Workspace-level")</strong> · \
      Requested by <strong>\(view.initiatorName ?? "System")</strong> · Type <code>\(run.type)</code>\
      \(HTML.unwrap(run.worker) { " · Started by <span data-worker>\(workerWords($0))</span>" })</p>
      <p class="badges">\(Badge.state(status: run.status, outcome: run.outcome, freshness: view.freshness))</p>
      <div class="live-status" data-live-status></div>
      </header>
      \(HTML.unwrap(view.lifecycleExplanation) { $0.render(now: view.now) })\
      \(HTML.unwrap(lateSuccess(view)) { lateSuccessCallout(view, $0) })\
      \(HTML.when(view.freshness == .unknown) { uncoveredNote })\
      \(RunTimeline.render(view))
      \(summarySection(view))
      \(failureSection(run))
      \(lateReportsSection(view))
      \(Diagnostics(run: run).render())
      \(auditSection(view))
      </article>
      """
    return Layout.document(title: "\(label) #\(run.id)", chrome: chrome.in(.operations), main: main)
  }

  private static let uncoveredNote: HTML = """
    <section class="lifecycle lifecycle--unknown" aria-labelledby="lifecycle-title">
    <h2 id="lifecycle-title"><span aria-hidden="true">?</span> Not covered by a lifecycle policy</h2>
    <p>This run's type has no lifecycle policy, so Runwatch cannot tell whether it has stalled and will not reconcile it.</p>
    </section>

    """

  private static func summarySection(_ view: RunDetailView) -> HTML {
    // Progress first, in the order people read it (processed of total), then the rest by name.
    let leading = ["processed", "total"]
    let counts = view.run.summaryCounts.sorted { left, right in
      let (l, r) = (
        leading.firstIndex(of: left.key) ?? leading.count, leading.firstIndex(of: right.key) ?? leading.count
      )
      return l != r ? l < r : left.key < right.key
    }
    let duration = DurationComparison.describe(
      status: view.run.status, createdAt: view.run.createdAt, startedAt: view.run.startedAt,
      completedAt: view.run.completedAt, lastReportAt: view.run.lastHeartbeatAt,
      reconciledAs: view.run.reconciliation?.reason, expectedRuntimeSeconds: view.expectedRuntimeSeconds,
      now: view.now)
    let expected = HTML.unwrap(view.expectedRuntimeSeconds) {
      " (expected about \(TimeText.duration(seconds: $0)))"
    }
    let table: HTML =
      counts.isEmpty
      ? "<p class=\"muted\">No counts reported.</p>"
      : Table.render(
        caption: "Summary counts",
        columns: [Table.Column("Count"), Table.Column("Value", cssClass: "numeric")],
        rows: HTML.each(counts, separator: "\n") {
          "<tr><th scope=\"row\">\(humanize($0.key))</th><td class=\"numeric\">\(ProgressBar.grouped($0.value))</td></tr>"
        }, cssClass: "data-table data-table--compact")
    let progress = HTML.unwrap(progressOf(view.run)) {
      "<p>\(ProgressBar.render(processed: $0.processed, total: $0.total, label: "Progress"))</p>"
    }
    return """
      <section aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      <p>Duration: \(duration)\(expected).</p>
      \(progress)\(table)
      </section>
      """
  }

  private static func progressOf(_ run: OperationRun) -> (processed: Int64, total: Int64)? {
    RunRow(
      run: run, freshness: .unknown, tenantName: nil, initiatorName: nil, expectedRuntimeSeconds: nil
    ).progress
  }

  private static func failureSection(_ run: OperationRun) -> HTML {
    guard run.status.isTerminal, run.outcome != .succeeded || !run.failures.isEmpty else { return .empty }
    if let reconciliation = run.reconciliation {
      // The callout above already says what happened in operator words; repeat nothing. What the queue
      // itself reported is worth showing as it said it (class and message, lines kept).
      guard let failure = reconciliation.evidence["queue_failure"],
        failure["exception_class"]?.stringValue != nil || failure["message"]?.stringValue != nil
      else { return .empty }
      return """
        <section aria-labelledby="failures-title">
        <h2 id="failures-title">What went wrong</h2>
        <p>The queue reported\(HTML.unwrap(failure["exception_class"]?.stringValue) { " <code class=\"failure__class\">\($0)</code>" }):</p>
        \(HTML.unwrap(failure["message"]?.stringValue) { "<pre class=\"failure__text\">\($0)</pre>" })
        </section>
        """
    }
    if run.outcome == .cancelled && run.failures.isEmpty {
      return """
        <section aria-labelledby="failures-title">
        <h2 id="failures-title">Cancelled</h2>
        <p>The run was cancelled\(run.startedAt == nil ? " before a worker started it" : " before it finished"); \
        nothing failed.</p>
        </section>
        """
    }
    let body: HTML
    if !run.failures.isEmpty {
      body = """
        <ul class="failures">\(HTML.each(run.failures) { failure in
          "<li><span class=\"failure__message\">\(failure.message)</span> <code class=\"failure__code\">\(failure.code)</code></li>"
        })</ul>
        """
    } else {
      body = "<p>The worker reported no failure details.</p>"
    }
    return """
      <section aria-labelledby="failures-title">
      <h2 id="failures-title">What went wrong</h2>
      \(body)
      </section>
      """
  }

  /// The late report in which the worker claimed success for a run that had failed, if any: an operator must
  /// not read "succeeded" in the list below and think the run did.
  static func lateSuccess(_ view: RunDetailView) -> LateReportItem? {
    guard view.run.outcome == .failed else { return nil }
    return view.lateReports.first { report in
      report.kind == "complete" && report.payload["outcome"]?.stringValue == RunOutcome.succeeded.rawValue
    }
  }

  private static func lateSuccessCallout(_ view: RunDetailView, _ report: LateReportItem) -> HTML {
    let why: HTML =
      view.run.reconciliation.map { reconciliation in
        "it had already been closed as failed: \(ReasonCatalog.describe(reconciliation).label.lowercased())"
      } ?? "its worker had already reported it failed"
    return """
      <div class="lifecycle lifecycle--stale" role="note" data-late-success>
      <p><strong>Its worker later reported success</strong> (\(TimeElement.relative(report.receivedAt, now: view.now)), \
      from <code>\(report.reporter)</code>) — the run stays failed because \(why). A finished run never changes: \
      the first outcome recorded stands, and the report is kept below as evidence.</p>
      <p>Check whether the work really completed (its results, the worker's logs around that time); start the \
      operation again if it did not.</p>
      </div>
      """
  }

  private static func lateReportsSection(_ view: RunDetailView) -> HTML {
    guard !view.lateReports.isEmpty else { return .empty }
    return """
      <section aria-labelledby="late-title">
      <h2 id="late-title">Late reports</h2>
      <p>These reports arrived after the run had already finished. They were refused and kept as evidence; \
      they did not change the run.</p>
      <ul class="late-reports">\(HTML.each(view.lateReports) { report in
        """
        <li><strong>\(humanize(report.kind))</strong> from <code>\(report.reporter)</code>, \
        \(TimeElement.relative(report.receivedAt, now: view.now))\
        \(JSONBlock.render(title: "Report payload", report.payload))</li>
        """
      })</ul>
      </section>
      """
  }

  private static func auditSection(_ view: RunDetailView) -> HTML {
    let list: HTML =
      view.auditEvents.isEmpty
      ? "<p class=\"muted\">No audit events for this run.</p>"
      : """
      <ul class="audit-links">\(HTML.each(view.auditEvents) { event in
        """
        <li><a href="/audit?event=\(event.id)">\(AuditEventItem.label(for: event.action))</a> \
        by \(event.actorLabel), \(TimeElement.relative(event.createdAt, now: view.now))</li>
        """
      })</ul>
      """
    return """
      <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit events</h2>
      \(list)
      </section>
      """
  }

  /// `worker <code>api-7</code> on host <code>web-3</code>, pid 4121`: the worker's own words, escaped.
  static func workerWords(_ worker: WorkerIdentity) -> HTML {
    let who: HTML
    if let name = worker.name, !name.isEmpty { who = "worker <code>\(name)</code>" } else { who = "a worker" }
    return "\(who) on host <code>\(worker.host)</code>\(HTML.unwrap(worker.pid) { ", pid \($0)" })"
  }

  /// `processed_items` → `Processed items`.
  static func humanize(_ key: String) -> String {
    let words = key.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }
}
