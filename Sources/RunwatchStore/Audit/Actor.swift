/// Who caused a change: recorded on audit events and late reports.
public struct Actor: Sendable, Equatable {
  /// Kind of actor.
  public enum Kind: String, Sendable {
    /// Runwatch itself (reconciler, bridge).
    case system
    /// A signed-in person.
    case user
    /// A worker authenticated with an API token.
    case token
    /// A local worker process (`run exec --db`, the demo fleet).
    case worker
  }

  /// Kind of actor.
  public var kind: Kind
  /// Who, in words safe to show (`token:ci-worker`, `user:ana@example.com`, `system`).
  public var label: String
  /// Through what: `api`, `cli`, `scheduled_reconciler`, `run_exec`, `demo_fleet`…
  public var source: String

  /// Creates an actor.
  public init(kind: Kind, label: String, source: String) {
    self.kind = kind
    self.label = label
    self.source = source
  }

  /// The scheduled reconcile loop inside `serve`.
  public static let scheduledReconciler = Actor(
    kind: .system, label: "system", source: "scheduled_reconciler")
  /// `runwatch reconcile` on the command line.
  public static let cliReconciler = Actor(kind: .system, label: "system", source: "cli")
}
