import Foundation
import Yams

/// Reads a composed YAML document into a `PolicyDraft`, recording every structural problem (unknown or missing
/// key, wrong kind of value) instead of stopping at the first, so one run of `policy validate` shows them all.
struct PolicyYAMLReader {
  private(set) var violations: [PolicyViolation] = []

  /// Reads the whole document; `nil` (an empty file) reads as an empty mapping, so every key is missing.
  mutating func read(_ root: Node?) -> PolicyDraft {
    var draft = PolicyDraft()
    let top: Node.Mapping
    if let root {
      guard let mapping = mapping(root, at: "") else { return draft }
      top = mapping
    } else {
      top = Node.Mapping([])
    }
    let values = fields(of: top, allowed: PolicyKey.topLevel, at: "")
    draft.safetyMarginSeconds = integer(values[PolicyKey.safetyMargin], at: PolicyKey.safetyMargin)
    draft.queues = queues(values[PolicyKey.queues])
    if let node = values[PolicyKey.reconcile], let settings = mapping(node, at: PolicyKey.reconcile) {
      let reconcile = fields(of: settings, allowed: PolicyKey.reconcileSettings, at: PolicyKey.reconcile)
      draft.intervalSeconds = integer(
        reconcile[PolicyKey.interval], at: PolicyKey.path(PolicyKey.reconcile, PolicyKey.interval))
      draft.batchLimit = integer(
        reconcile[PolicyKey.batchLimit], at: PolicyKey.path(PolicyKey.reconcile, PolicyKey.batchLimit))
    }
    if let node = values[PolicyKey.types], let types = mapping(node, at: PolicyKey.types) {
      for (name, rules) in named(types, at: PolicyKey.types) {
        draft.types[name] = typeRules(rules, at: PolicyKey.path(PolicyKey.types, name))
      }
    }
    return draft
  }

  private mutating func queues(_ node: Node?) -> [String: PolicyDraft.Queue]? {
    guard let node, let queues = mapping(node, at: PolicyKey.queues) else { return nil }
    var result: [String: PolicyDraft.Queue] = [:]
    for (name, settings) in named(queues, at: PolicyKey.queues) {
      let path = PolicyKey.path(PolicyKey.queues, name)
      guard let settings = mapping(settings, at: path) else {
        result[name] = PolicyDraft.Queue(retryAfterSeconds: nil)
        continue
      }
      let values = fields(of: settings, allowed: PolicyKey.queue, at: path)
      result[name] = PolicyDraft.Queue(
        retryAfterSeconds: integer(
          values[PolicyKey.retryAfter], at: PolicyKey.path(path, PolicyKey.retryAfter)))
    }
    return result
  }

  private mutating func typeRules(_ node: Node, at path: String) -> PolicyDraft.TypeRules {
    var rules = PolicyDraft.TypeRules()
    guard let mapping = mapping(node, at: path) else { return rules }
    let values = fields(of: mapping, allowed: PolicyKey.type, optional: PolicyKey.optionalType, at: path)
    func key(_ key: String) -> String { PolicyKey.path(path, key) }
    rules.queue = string(values[PolicyKey.queueName], at: key(PolicyKey.queueName))
    rules.queuedStaleAfterSeconds = integer(
      values[PolicyKey.queuedStaleAfter], at: key(PolicyKey.queuedStaleAfter))
    rules.runningStaleAfterSeconds = integer(
      values[PolicyKey.runningStaleAfter], at: key(PolicyKey.runningStaleAfter))
    rules.expectedRuntimeSeconds = integer(
      values[PolicyKey.expectedRuntime], at: key(PolicyKey.expectedRuntime))
    rules.jobTimeoutSeconds = integer(values[PolicyKey.jobTimeout], at: key(PolicyKey.jobTimeout))
    if let text = string(values[PolicyKey.terminalTruthPath], at: key(PolicyKey.terminalTruthPath)) {
      rules.terminalTruthPath = TerminalTruthPath(rawValue: text)
      if rules.terminalTruthPath == nil {
        let allowed = TerminalTruthPath.allCases.map(\.rawValue).joined(separator: " or ")
        report(key(PolicyKey.terminalTruthPath), "must be \(allowed), got \"\(text)\"")
      }
    }
    rules.scheduledReconciliation = boolean(
      values[PolicyKey.scheduledReconciliation], at: key(PolicyKey.scheduledReconciliation))
    rules.capability = string(values[PolicyKey.capability], at: key(PolicyKey.capability))
    rules.heartbeatTimeoutSeconds = integer(
      values[PolicyKey.heartbeatTimeout], at: key(PolicyKey.heartbeatTimeout))
    return rules
  }

  // MARK: - Shapes

  private mutating func report(_ path: String, _ message: String) {
    violations.append(PolicyViolation(path: path, message: message))
  }

  private mutating func mapping(_ node: Node, at path: String) -> Node.Mapping? {
    if let mapping = node.mapping { return mapping }
    report(
      path.isEmpty ? "(top level)" : path, "must be a mapping of keys to values, got \(Self.describe(node))")
    return nil
  }

  /// Values of the allowed keys; reports unknown keys (in file order) and missing required ones (in `allowed`
  /// order). Keys in `optional` may be present or not.
  private mutating func fields(
    of mapping: Node.Mapping, allowed: [String], optional: [String] = [], at path: String
  ) -> [String: Node] {
    let known = allowed + optional
    var values: [String: Node] = [:]
    for (keyNode, value) in mapping {
      guard let key = keyNode.scalar?.string else {
        report(path.isEmpty ? "(top level)" : path, "keys must be plain names, got \(Self.describe(keyNode))")
        continue
      }
      if known.contains(key) {
        values[key] = value
      } else {
        report(PolicyKey.path(path, key), "unknown key (allowed: \(known.sorted().joined(separator: ", ")))")
      }
    }
    for key in allowed where values[key] == nil {
      report(PolicyKey.path(path, key), "missing required key")
    }
    return values
  }

  /// Entries of a mapping keyed by free-form names (queues, types); names must be non-empty scalars.
  private mutating func named(_ mapping: Node.Mapping, at path: String) -> [(String, Node)] {
    var entries: [(String, Node)] = []
    for (keyNode, value) in mapping {
      guard let name = keyNode.scalar?.string, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
        report(path, "names must be non-empty plain text, got \(Self.describe(keyNode))")
        continue
      }
      entries.append((name, value))
    }
    return entries
  }

  // MARK: - Scalars

  /// A whole number; a quoted number, a fraction or text is a type error, not something to guess at.
  private mutating func integer(_ node: Node?, at path: String) -> Int? {
    guard let node else { return nil }
    if let scalar = node.scalar, Self.tagName(node) == .int, let value = Int.construct(from: scalar) {
      return value
    }
    report(path, "must be a whole number of seconds, got \(Self.describe(node))")
    return nil
  }

  private mutating func boolean(_ node: Node?, at path: String) -> Bool? {
    guard let node else { return nil }
    if let scalar = node.scalar, Self.tagName(node) == .bool, let value = Bool.construct(from: scalar) {
      return value
    }
    report(path, "must be true or false, got \(Self.describe(node))")
    return nil
  }

  private mutating func string(_ node: Node?, at path: String) -> String? {
    guard let node else { return nil }
    if let scalar = node.scalar, Self.tagName(node) == .str, !scalar.string.isEmpty { return scalar.string }
    report(path, "must be non-empty text, got \(Self.describe(node))")
    return nil
  }

  /// The resolved tag of `node` (plain `123` is an int, `"123"` is text). `Tag.name` is not public in Yams.
  static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

  /// How a value reads in a message: its text for scalars (quoted when it is text), else its kind.
  static func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar):
      switch Self.tagName(node) {
      case .null: return "null"
      case .str: return scalar.string.isEmpty ? "empty text" : "\"\(scalar.string)\""
      default: return scalar.string
      }
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }
}
