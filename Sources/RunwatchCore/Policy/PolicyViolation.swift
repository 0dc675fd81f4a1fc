/// One broken rule in a lifecycle policy, naming the key it is about.
public struct PolicyViolation: Sendable, Equatable, CustomStringConvertible {
  /// Dotted key path, e.g. `types.policy.sync.job_timeout_seconds`.
  public var path: String
  /// What is wrong, with the numbers involved.
  public var message: String

  /// Creates a violation.
  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  /// `path: message`, one line.
  public var description: String { "\(path): \(message)" }
}

/// Why a lifecycle policy could not be used. Its description has one problem per line so a CLI can print it
/// as is.
public enum LifecyclePolicyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is not well-formed YAML.
  case syntax(line: Int?, column: Int?, problem: String)
  /// The YAML is well-formed but breaks these rules (every one found, in a stable order).
  case invalid([PolicyViolation])

  /// Every violation, or an empty list for a syntax error.
  public var violations: [PolicyViolation] {
    if case .invalid(let violations) = self { return violations }
    return []
  }

  /// One line per problem.
  public var description: String {
    switch self {
    case .syntax(let line?, let column?, let problem):
      "YAML syntax error at line \(line), column \(column): \(problem)"
    case .syntax(_, _, let problem): "YAML syntax error: \(problem)"
    case .invalid(let violations): violations.map(\.description).joined(separator: "\n")
    }
  }
}
