import RunwatchCore

/// The engineer-facing detail of a run, behind a `<details>` that starts closed so operators see the plain
/// explanation first.
public struct Diagnostics: Sendable, Equatable {
  /// Reconciliation reason code, if reconciled.
  public var reasonCode: ReasonCode?
  /// Reconciliation source code, if reconciled.
  public var source: String?
  /// Reconciliation evidence, if reconciled.
  public var evidence: JSONValue?
  /// Exception class the queue reported, if any.
  public var exceptionClass: String?
  /// Exception message the queue reported, if any.
  public var exceptionMessage: String?
  /// The run's context document.
  public var context: JSONValue

  /// Creates the diagnostics of one run.
  public init(
    reasonCode: ReasonCode?, source: String?, evidence: JSONValue?, exceptionClass: String?,
    exceptionMessage: String?, context: JSONValue
  ) {
    self.reasonCode = reasonCode
    self.source = source
    self.evidence = evidence
    self.exceptionClass = exceptionClass
    self.exceptionMessage = exceptionMessage
    self.context = context
  }

  /// Diagnostics read off a run: the queue's exception is taken from the evidence the queue-failure bridge
  /// stores (`evidence.queue_failure.exception_class` / `.message`).
  public init(run: OperationRun) {
    let queueFailure = run.reconciliation?.evidence["queue_failure"]
    self.init(
      reasonCode: run.reconciliation?.reason, source: run.reconciliation?.source,
      evidence: run.reconciliation?.evidence, exceptionClass: queueFailure?["exception_class"]?.stringValue,
      exceptionMessage: queueFailure?["message"]?.stringValue, context: run.context)
  }

  /// `<details class="diagnostics">`, closed.
  public func render() -> HTML {
    let facts: [HTML] = [
      HTML.unwrap(reasonCode) { "<dt>Reason code</dt><dd><code>\($0)</code></dd>" },
      HTML.unwrap(source) { "<dt>Applied by</dt><dd><code>\($0)</code></dd>" },
      HTML.unwrap(exceptionClass) { "<dt>Queue exception class</dt><dd><code>\($0)</code></dd>" },
      HTML.unwrap(exceptionMessage) { "<dt>Queue exception message</dt><dd><code>\($0)</code></dd>" },
    ]
    let factList = facts.joined()
    return """
      <details class="diagnostics" id="diagnostics">
      <summary>Diagnostics</summary>
      \(HTML.when(!factList.isEmpty) { "<dl class=\"facts\">\(factList)</dl>" })\
      \(HTML.unwrap(evidence) { JSONBlock.render(title: "Evidence", $0) })\
      \(JSONBlock.render(title: "Context", context))
      </details>
      """
  }
}

/// Pretty-printed JSON in a captioned `<pre>`.
public enum JSONBlock {
  /// `<figure><figcaption>title</figcaption><pre><code>{…}</code></pre></figure>`, JSON text escaped.
  public static func render(title: String, _ value: JSONValue) -> HTML {
    """
    <figure class="json-block">
    <figcaption>\(title)</figcaption>
    <pre tabindex="0"><code>\(value.prettyJSONText)</code></pre>
    </figure>
    """
  }
}
