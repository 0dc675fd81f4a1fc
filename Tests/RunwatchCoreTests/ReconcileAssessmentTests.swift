import Foundation
import RunwatchCore
import Testing

/// The pure assessment behind MISSION.md guarantees 1 (convergence) and 5 (evidence).
@Suite struct ReconcileAssessmentTests {
  let policy = LifecyclePolicy.builtIn
  let created = Date(timeIntervalSince1970: 1_800_000_000)
  let legitimate = ExecutionLegitimacyFacts(tenantActive: true, initiatorMember: true)

  func run(
    _ status: RunStatus, type: String = "policy.sync", startedAt: Date? = nil, initiator: Int64? = 7,
    tenant: Int64? = 3, linked: LinkedRecord? = nil
  ) -> OperationRun {
    OperationRun(
      id: 42, workspaceID: 1, tenantID: tenant, initiatorUserID: initiator, type: type, status: status,
      outcome: status == .completed ? .succeeded : .pending, createdAt: created, startedAt: startedAt,
      linkedRecord: linked)
  }

  func checks(_ evidence: JSONValue) -> [String: String] {
    guard case .array(let items)? = evidence["execution_legitimacy"]?["checks"] else { return [:] }
    var result: [String: String] = [:]
    for item in items {
      if let name = item["name"]?.stringValue { result[name] = item["result"]?.stringValue }
    }
    return result
  }

  @Test func staleQueuedRunIsReconciledWithTheFullEvidence() throws {
    let now = created.addingTimeInterval(900)
    let plan = try #require(
      ReconcileAssessment.assess(run(.queued), policy: policy, now: now, facts: legitimate).plan)
    #expect(plan.reason == .staleQueued)
    #expect(plan.outcome == .failed)
    #expect(plan.before == RunSnapshot(status: .queued, outcome: .pending, freshnessState: .likelyStale))
    #expect(
      plan.after == RunSnapshot(status: .completed, outcome: .failed, freshnessState: .reconciledFailed))
    #expect(plan.reasonMessage == ReasonCatalog.describe(.staleQueued).explanation)
    let evidence = try #require(plan.evidence.objectValue)
    #expect(
      Set(evidence.keys) == [
        "evaluated_at", "freshness_state", "threshold_seconds", "reference_time", "status",
        "execution_legitimacy", "terminal_truth_path",
      ])
    #expect(evidence["evaluated_at"] == .timestamp(now))
    #expect(evidence["freshness_state"] == "likely_stale")
    #expect(evidence["threshold_seconds"] == 900)
    #expect(evidence["reference_time"] == .timestamp(created))
    #expect(evidence["status"] == "queued")
    #expect(evidence["terminal_truth_path"] == "direct_and_scheduled")
    #expect(plan.evidence["execution_legitimacy"]?["legitimate"] == true)
    #expect(
      checks(plan.evidence) == [
        "tenant_active": "passed", "initiator_member": "passed", "type_covered": "passed",
      ])
  }

  @Test func staleRunningRunAgesFromStartedAtFallingBackToCreatedAt() throws {
    let started = created.addingTimeInterval(300)
    let withStart = run(.running, startedAt: started)
    #expect(
      ReconcileAssessment.assess(
        withStart, policy: policy, now: started.addingTimeInterval(1_199), facts: legitimate)
        == .leaveAlone(.fresh))
    let plan = try #require(
      ReconcileAssessment.assess(
        withStart, policy: policy, now: started.addingTimeInterval(1_200), facts: legitimate
      ).plan)
    #expect(plan.reason == .staleRunning)
    #expect(plan.evidence["reference_time"] == .timestamp(started))
    #expect(plan.evidence["threshold_seconds"] == 1_200)
    let withoutStart = try #require(
      ReconcileAssessment.assess(
        run(.running), policy: policy, now: created.addingTimeInterval(1_200), facts: legitimate
      ).plan)
    #expect(withoutStart.evidence["reference_time"] == .timestamp(created))
  }

  @Test func terminalRunsUncoveredTypesAndOptedOutTypesAreNeverTouched() {
    let late = created.addingTimeInterval(86_400)
    let doneRecord = LinkedRecord(kind: "restore", externalID: "r-1", status: "failed")
    #expect(
      ReconcileAssessment.assess(run(.completed), policy: policy, now: late, facts: legitimate)
        == .leaveAlone(.terminal))
    #expect(
      ReconcileAssessment.assess(
        run(.running, type: "report.export", linked: doneRecord), policy: policy, now: late, facts: legitimate
      )
        == .leaveAlone(.uncoveredType))
    var optedOut = policy
    optedOut.types["policy.sync"]?.scheduledReconciliation = false
    #expect(
      ReconcileAssessment.assess(
        run(.queued, linked: doneRecord), policy: optedOut, now: late, facts: legitimate)
        == .leaveAlone(.scheduledReconciliationDisabled))
  }

  @Test func legitimacyChecksNameEachFactAndItsResult() throws {
    let now = created.addingTimeInterval(900)
    let archived = try #require(
      ReconcileAssessment.assess(
        run(.queued), policy: policy, now: now,
        facts: ExecutionLegitimacyFacts(tenantActive: false, initiatorMember: false)
      ).plan)
    #expect(
      checks(archived.evidence) == [
        "tenant_active": "failed", "initiator_member": "failed", "type_covered": "passed",
      ])
    #expect(archived.evidence["execution_legitimacy"]?["legitimate"] == false)
    let systemRun = try #require(
      ReconcileAssessment.assess(
        run(.queued, initiator: nil, tenant: nil), policy: policy, now: now,
        facts: ExecutionLegitimacyFacts(tenantActive: nil, initiatorMember: nil)
      ).plan)
    #expect(
      checks(systemRun.evidence) == [
        "tenant_active": "not_applicable", "initiator_member": "not_applicable", "type_covered": "passed",
      ])
  }

  @Test func terminalLinkedRecordCompletesTheRunWithTheRecordsOutcome() throws {
    let now = created.addingTimeInterval(10)
    let expectations: [(String, RunOutcome, Freshness)] = [
      ("failed", .failed, .reconciledFailed), ("Cancelled", .cancelled, .terminalNormal),
      ("completed", .succeeded, .terminalNormal), ("succeeded", .succeeded, .terminalNormal),
      ("partially_succeeded", .partiallySucceeded, .terminalNormal),
    ]
    for (status, outcome, freshness) in expectations {
      let record = LinkedRecord(kind: "restore", externalID: "r-9", status: status)
      let plan = try #require(
        ReconcileAssessment.assess(
          run(.running, type: "restore.execute", startedAt: created, linked: record), policy: policy,
          now: now,
          facts: legitimate
        ).plan)
      #expect(plan.reason == .adapterOutOfSync)
      #expect(plan.outcome == outcome)
      #expect(plan.after.freshnessState == freshness)
      #expect(plan.before.freshnessState == .freshActive)
      #expect(plan.evidence["linked_record"]?["kind"] == "restore")
      #expect(plan.evidence["linked_record"]?["external_id"] == "r-9")
      #expect(plan.evidence["linked_record"]?["status"] == .string(status))
      #expect(plan.evidence["linked_record"]?["outcome"] == .string(outcome.rawValue))
    }
    let inProgress = LinkedRecord(kind: "restore", externalID: "r-9", status: "running")
    #expect(
      ReconcileAssessment.assess(
        run(.running, type: "restore.execute", startedAt: created, linked: inProgress), policy: policy,
        now: now,
        facts: legitimate) == .leaveAlone(.fresh))
  }

  @Test func onlyListedRecordStatusesAreTerminal() {
    #expect(LinkedRecordOutcome.outcome(forRecordStatus: " FAILED ") == .failed)
    #expect(LinkedRecordOutcome.outcome(forRecordStatus: "canceled") == .cancelled)
    #expect(LinkedRecordOutcome.outcome(forRecordStatus: "running") == nil)
    #expect(LinkedRecordOutcome.outcome(forRecordStatus: "") == nil)
    #expect(LinkedRecordOutcome.terminalStatuses == LinkedRecordOutcome.terminalStatuses.sorted())
  }
}
