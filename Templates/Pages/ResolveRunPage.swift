import Foundation
import RunwatchCore

/// What the resolve confirmation shows: the run, why it is stuck, and the note typed so far.
public struct ResolveRunView: Sendable, Equatable {
  /// The run to resolve.
  public var run: OperationRun
  /// Tenant name; nil for a workspace-level run.
  public var tenantName: String?
  /// The deadline that passed (its kind and when).
  public var deadline: StaleDeadline?
  /// The note as typed (kept when the form comes back with an error).
  public var note: String
  /// What was wrong with the last submission, or nil.
  public var error: String?
  /// The clock reading used for relative times.
  public var now: Date

  /// Creates the view.
  public init(
    run: OperationRun, tenantName: String?, deadline: StaleDeadline?, note: String = "", error: String? = nil,
    now: Date
  ) {
    self.run = run
    self.tenantName = tenantName
    self.deadline = deadline
    self.note = note
    self.error = error
    self.now = now
  }
}

/// `GET /operations/<id>/resolve` and the form again after a refused `POST`: the confirmation step of marking a
/// stuck run failed by hand. A plain form, so it works without JavaScript.
public enum ResolveRunPage {
  /// The longest note accepted, in characters.
  public static let noteLimit = 2000

  /// The whole document.
  public static func render(_ view: ResolveRunView, chrome: PageChrome) -> HTML {
    let run = view.run
    let label = OperationTypeLabel.label(for: run.type)
    let hasError = view.error != nil
    let stuck: HTML = HTML.unwrap(view.deadline) { deadline in
      switch deadline.kind {
      case .queueWait:
        "It has waited in the queue since \(TimeElement.relative(run.createdAt, now: view.now))."
      case .heartbeat:
        "Its worker last reported \(TimeElement.relative(deadline.referenceTime, now: view.now))."
      case .maxRuntime: "It passed its maximum runtime \(TimeElement.relative(deadline.at, now: view.now))."
      }
    }
    let main: HTML = """
      <div class="resolve" data-run-id="\(run.id)">
      <p class="breadcrumb"><a href="/operations">Operations</a> / <a href="\(run.canonicalPath)">Run #\(run.id)</a></p>
      <h1>Mark run #\(run.id) as failed?</h1>
      <p>\(label) · Tenant: <strong>\(view.tenantName ?? "Workspace-level")</strong>. This run is likely stale. \(stuck)</p>
      <p>Marking it failed completes it now, with the reason <strong>\(ReasonCatalog.describe(.resolvedByOperator).label)</strong>, \
      your name and your note. Its initiator is notified. If its worker reports first, the worker's result stands \
      and nothing is changed. This cannot be undone.</p>
      <div id="resolve-error" class="alert\(HTML.when(hasError) { " alert--error" })" role="alert">\
      \(HTML.unwrap(view.error) { "<p>\($0)</p>" })</div>
      <form class="resolve__form" method="post" action="\(run.canonicalPath)/resolve">
      <input type="hidden" name="csrf_token" value="\(chrome.user?.csrfToken ?? "")">
      <div class="field">
      <label for="resolve-note">Note (required): why it is stuck and what you checked</label>
      <textarea id="resolve-note" name="note" rows="4" maxlength="\(noteLimit)" required\
      \(HTML.when(hasError) { " aria-describedby=\"resolve-error\" aria-invalid=\"true\"" }) autofocus>\(view.note)</textarea>
      </div>
      <p class="resolve__actions"><button type="submit" class="button button--danger">Mark as failed</button> \
      <a class="button button--quiet" href="\(run.canonicalPath)">Cancel</a></p>
      </form>
      </div>
      """
    return Layout.document(title: "Mark run #\(run.id) as failed", chrome: chrome.in(.operations), main: main)
  }

  /// The answer when there is nothing to resolve any more: the run finished, or is fresh again.
  public static func nothingToResolve(_ run: OperationRun, reason: String, chrome: PageChrome) -> HTML {
    let main: HTML = """
      <div class="error-page" data-status="409">
      <p class="error-page__status">Error 409</p>
      <h1>Run #\(run.id) was not changed</h1>
      <p>\(reason)</p>
      <p><a class="button" href="\(run.canonicalPath)">Open run #\(run.id)</a></p>
      </div>
      """
    return Layout.document(
      title: "Run #\(run.id) was not changed", chrome: chrome.in(.operations), main: main)
  }
}
