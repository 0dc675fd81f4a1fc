import RunwatchCore
import Testing

/// `policy show` prints a file that loads back to the same policy, and the fingerprint follows the content.
@Suite struct PolicyYAMLRoundTripTests {
  @Test func theBuiltInPolicyRoundTrips() throws {
    let text = LifecyclePolicy.builtIn.yamlText
    let loaded = try LifecyclePolicy.load(yaml: text)
    #expect(loaded == .builtIn)
    #expect(loaded.yamlText == text)
  }

  @Test func aFileRoundTrips() throws {
    let loaded = try LifecyclePolicy.load(yaml: PolicySample.yaml)
    let reloaded = try LifecyclePolicy.load(yaml: loaded.yamlText)
    #expect(reloaded == loaded)
    #expect(reloaded.yamlText == loaded.yamlText)
  }

  @Test func outputIsSortedAndDeterministic() {
    let text = LifecyclePolicy.builtIn.yamlText
    #expect(text == LifecyclePolicy.builtIn.yamlText)
    let topLevel = text.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") }
    #expect(topLevel == ["queues:", "reconcile:", "safety_margin_seconds: 30", "types:"])
    let typeNames = text.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
      .map { $0.trimmingPrefix("  ") }
    let types = Array(typeNames.suffix(12))
    #expect(types == types.sorted())
  }

  @Test func namesThatLookLikeOtherValuesStayText() throws {
    var policy = LifecyclePolicy.builtIn
    policy.queues["null"] = QueuePolicy(retryAfterSeconds: 600)
    policy.types["123"] = RunTypePolicy(
      queue: "null", queuedStaleAfterSeconds: 900, runningStaleAfterSeconds: 1200, expectedRuntimeSeconds: 60,
      jobTimeoutSeconds: 300, terminalTruthPath: .scheduledOnly, scheduledReconciliation: false,
      capability: "yes")
    let loaded = try LifecyclePolicy.load(yaml: policy.yamlText)
    #expect(loaded == policy)
  }

  @Test func fingerprintIsStableAndFollowsTheContent() throws {
    let loaded = try LifecyclePolicy.load(yaml: LifecyclePolicy.builtIn.yamlText)
    #expect(loaded.fingerprint == LifecyclePolicy.builtIn.fingerprint)
    #expect(LifecyclePolicy.builtIn.fingerprint.hasPrefix("fnv1a64:"))
    var changed = LifecyclePolicy.builtIn
    changed.types["policy.sync"]?.runningStaleAfterSeconds += 1
    #expect(changed.fingerprint != LifecyclePolicy.builtIn.fingerprint)
  }
}
