import RunwatchCore

/// A transition's result together with the run as it is afterwards and what its row only references, all read
/// in the transaction that made (or refused) the change — what the worker API answers with.
public struct DetailedTransition: Sendable, Equatable {
  /// Applied or refused, as `TransitionResult` always says.
  public var result: TransitionResult
  /// The run after the attempt (the updated run when applied, the run as read when refused) with its workspace
  /// slug, initiator e-mail and late reports, a late report stored by this refusal included.
  public var details: RunDetails

  /// Creates a detailed transition.
  public init(result: TransitionResult, details: RunDetails) {
    self.result = result
    self.details = details
  }
}
