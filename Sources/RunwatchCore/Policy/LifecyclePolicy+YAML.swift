import Yams

extension LifecyclePolicy {
  /// Parses and validates a policy file. A file replaces the built-in policy entirely, so every key is
  /// required. Throws `LifecyclePolicyError.syntax` for malformed YAML, otherwise `.invalid` with every
  /// structural problem and every broken rule found in one pass.
  public static func load(yaml: String) throws(LifecyclePolicyError) -> LifecyclePolicy {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw syntaxError(error)
    } catch {
      throw .syntax(line: nil, column: nil, problem: String(describing: error))
    }
    var reader = PolicyYAMLReader()
    let draft = reader.read(root)
    let violations = reader.violations + LifecyclePolicyValidator.violations(in: draft)
    guard violations.isEmpty, let policy = draft.policy else { throw .invalid(violations) }
    return policy
  }

  /// The policy as a policy file: keys sorted, deterministic, and `load(yaml:)` of it gives back an equal
  /// policy. `runwatch policy show` prints it; `fingerprint` is derived from it.
  public var yamlText: String {
    // Text that a reader would resolve to something else (`null`, `yes`, `123`) is emitted quoted.
    func text(_ value: String) -> Node {
      let readsAsText = PolicyYAMLReader.tagName(Node(value)) == .str
      return Node(value, Tag(.str), readsAsText ? .plain : .doubleQuoted)
    }
    func number(_ value: Int) -> Node { Node(String(value), Tag(.int)) }
    func mapping(_ pairs: [(String, Node)]) -> Node { Node(pairs.map { (text($0.0), $0.1) }) }
    let document = mapping([
      (PolicyKey.safetyMargin, number(safetyMarginSeconds)),
      (
        PolicyKey.queues,
        mapping(
          queues.map { ($0.key, mapping([(PolicyKey.retryAfter, number($0.value.retryAfterSeconds))])) })
      ),
      (
        PolicyKey.reconcile,
        mapping([
          (PolicyKey.interval, number(reconcile.intervalSeconds)),
          (PolicyKey.batchLimit, number(reconcile.batchLimit)),
        ])
      ),
      (
        PolicyKey.types,
        mapping(
          types.map { name, rules in
            (
              name,
              mapping(
                [
                  (PolicyKey.queueName, text(rules.queue)),
                  (PolicyKey.queuedStaleAfter, number(rules.queuedStaleAfterSeconds)),
                  (PolicyKey.runningStaleAfter, number(rules.runningStaleAfterSeconds)),
                  (PolicyKey.expectedRuntime, number(rules.expectedRuntimeSeconds)),
                  (PolicyKey.jobTimeout, number(rules.jobTimeoutSeconds)),
                  (PolicyKey.terminalTruthPath, text(rules.terminalTruthPath.rawValue)),
                  (
                    PolicyKey.scheduledReconciliation,
                    Node(rules.scheduledReconciliation ? "true" : "false", Tag(.bool))
                  ),
                  (PolicyKey.capability, text(rules.capability)),
                ] + (rules.heartbeatTimeoutSeconds.map { [(PolicyKey.heartbeatTimeout, number($0))] } ?? []))
            )
          })
      ),
    ])
    let header = "# Runwatch lifecycle policy. A policy file replaces the built-in policy entirely.\n"
    do {
      return header + (try Yams.serialize(node: document, width: -1, allowUnicode: true, sortKeys: true))
    } catch {
      // Emitting scalars and mappings built above cannot fail; keep the output a valid (commented) file anyway.
      return header + "# could not be emitted: \(error)\n"
    }
  }

  /// A stable fingerprint of the effective policy (FNV-1a 64 of `yamlText`). `RunwatchDatabase` stores it to
  /// recompute stored stale deadlines only when the policy actually changed.
  public var fingerprint: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in yamlText.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  private static func syntaxError(_ error: YamlError) -> LifecyclePolicyError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail = context.map { "\($0.text): " } ?? ""
      return .syntax(line: mark.line, column: mark.column, problem: detail + problem)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return .syntax(
        line: context.mark.line, column: context.mark.column,
        problem: "duplicate key(s) \(duplicates.sorted().joined(separator: ", "))")
    default:
      return .syntax(line: nil, column: nil, problem: String(describing: error))
    }
  }
}
