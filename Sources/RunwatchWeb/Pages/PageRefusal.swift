import RunwatchCore
import RunwatchTemplates

/// An access decision that went against the viewer, as thrown by `orRefuse()` inside a page body: 404 for
/// "not found" (missing, or not theirs to know about), 403 naming the missing capability. `PageResponses.guarded`
/// answers it with the styled error page, so handlers read `let run = try …authorizeRun(…).orRefuse()`.
struct PageRefusal: Error, Equatable {
  /// The error page to answer with.
  let kind: ErrorPageKind

  init(_ decision: AccessDecision) {
    switch decision {
    case .forbidden(let capability): kind = .forbidden(missingCapability: capability.rawValue)
    case .notFound, .allowed: kind = .notFound
    }
  }
}

extension AccessDecision {
  /// Returns when allowed; throws the refusal otherwise.
  func orRefuse() throws(PageRefusal) {
    if self != .allowed { throw PageRefusal(self) }
  }
}

extension Authorized {
  /// The authorized value; throws the refusal otherwise.
  func orRefuse() throws(PageRefusal) -> Value {
    if case .allowed(let value) = self { return value }
    throw PageRefusal(decision)
  }
}
