import Foundation
import RunwatchCore
import Testing

@Suite struct FreshnessTests {
  let policy = LifecyclePolicy.builtIn
  let created = Date(timeIntervalSince1970: 1_800_000_000)

  func run(_ status: RunStatus, type: String = "policy.sync", startedAt: Date? = nil) -> OperationRun {
    OperationRun(
      id: 1, workspaceID: 1, tenantID: 1, initiatorUserID: nil, type: type, status: status,
      outcome: status == .completed ? .succeeded : .pending, createdAt: created, startedAt: startedAt)
  }

  @Test func queuedRunIsFreshUntilItsQueuedThresholdFromCreatedAt() {
    let queued = run(.queued)
    #expect(queued.freshness(policy: policy, now: created.addingTimeInterval(899)) == .freshActive)
    #expect(queued.freshness(policy: policy, now: created.addingTimeInterval(900)) == .likelyStale)
  }

  @Test func runningRunAgesFromStartedAt() {
    let started = created.addingTimeInterval(600)
    let running = run(.running, startedAt: started)
    #expect(running.freshness(policy: policy, now: started.addingTimeInterval(1_199)) == .freshActive)
    #expect(running.freshness(policy: policy, now: started.addingTimeInterval(1_200)) == .likelyStale)
  }

  @Test func runningRunWithNullStartedAtAgesFromCreatedAt() {
    let running = run(.running, startedAt: nil)
    #expect(running.referenceTime == created)
    #expect(running.freshness(policy: policy, now: created.addingTimeInterval(1_200)) == .likelyStale)
  }

  @Test func uncoveredActiveTypeIsUnknown() {
    #expect(run(.running, type: "report.export").freshness(policy: policy, now: created) == .unknown)
    #expect(run(.queued, type: "report.export").staleDeadline(policy: policy) == nil)
  }

  @Test func completedRunsAreTerminalNormalOrReconciledFailed() {
    var done = run(.completed)
    #expect(done.freshness(policy: policy, now: created) == .terminalNormal)
    done.outcome = .failed
    #expect(done.freshness(policy: policy, now: created) == .terminalNormal)
    done.reconciliation = Reconciliation(
      reason: .staleRunning, source: "cli", evidence: [:], reconciledAt: created)
    #expect(done.freshness(policy: policy, now: created) == .reconciledFailed)
  }

  @Test func reasonCatalogSpeaksOperatorLanguage() {
    for description in ReasonCatalog.all {
      #expect(!description.label.isEmpty)
      #expect(description.explanation.hasSuffix("."))
      #expect(!description.nextSteps.isEmpty)
      #expect(!description.explanation.contains("Exception"))
    }
    #expect(ReasonCatalog.describe(.staleRunning, deadline: .heartbeat).label == "Stopped reporting progress")
    #expect(
      ReasonCatalog.describe(.staleRunning, deadline: .maxRuntime).label
        == "Ran past its longest allowed time")
    // Records from before heartbeat windows carry no deadline: only the maximum runtime could have fired.
    #expect(
      ReasonCatalog.describe(.staleRunning) == ReasonCatalog.describe(.staleRunning, deadline: .maxRuntime))
  }

  @Test func rfc3339IsUTCWithoutFraction() {
    #expect(RFC3339.string(from: created) == "2027-01-15T08:00:00Z")
  }
}
