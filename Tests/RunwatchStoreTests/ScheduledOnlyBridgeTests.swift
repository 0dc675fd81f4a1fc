import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// `terminal_truth_path: scheduled_only`: only the reconciler delivers such a type's terminal truth. A queue-failure
/// report for it is refused and kept as evidence, exactly like a late report; the run stays active until the
/// reconciler decides.
@Suite struct ScheduledOnlyBridgeTests {
  @Test func queueFailureForAScheduledOnlyTypeIsKeptAsEvidenceAndChangesNothing() throws {
    let fixture = try TestFixture()
    #expect(LifecyclePolicy.builtIn.types["backup_schedule_run"]?.terminalTruthPath == .scheduledOnly)
    let run = try fixture.createRun(type: "backup_schedule_run")
    let started = try #require(try fixture.lifecycle.start(runID: run.id, by: fixture.worker).run)
    let report = QueueFailureReport(
      kind: .timeout, exceptionClass: "TimeoutExceededException", message: "60 s")

    let result = try fixture.lifecycle.bridgeQueueFailure(runID: run.id, report: report, by: fixture.worker)

    let refusal = try #require(result.refusal)
    #expect(refusal.reason == .scheduledOnly)
    #expect(refusal.reason.message.contains("scheduled_only"))
    #expect(try fixture.database.run(id: run.id) == started)
    let reports = try fixture.database.lateReports(runID: run.id)
    #expect(reports.map(\.kind) == ["queue_failure"])
    #expect(reports.first?.id == refusal.lateReportID)
    #expect(reports.first?.payload["exception_class"]?.stringValue == "TimeoutExceededException")
    let event = try #require(try fixture.database.auditEvents(runID: run.id).last)
    #expect(event.action == AuditAction.lateReportRefused.rawValue)
    #expect(event.metadata["refusal"]?.stringValue == "scheduled_only")
    #expect(try fixture.count("notifications") == 0)

    // The reconciler still owns the run's truth.
    let healed = try fixture.lifecycle.forceFailNonTerminal(
      runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: [:], by: .scheduledReconciler)
    #expect(healed.run?.reconciliation?.source == "scheduled_reconciler")
  }

  @Test func directTypesAndTypesOutsideThePolicyStillAcceptTheBridge() throws {
    let fixture = try TestFixture()
    let report = QueueFailureReport(kind: .maxAttempts, exceptionClass: nil, message: nil)
    for type in ["policy.sync", "not.in.policy"] {
      let run = try fixture.createRun(type: type)
      let result = try fixture.lifecycle.bridgeQueueFailure(runID: run.id, report: report, by: fixture.worker)
      #expect(result.isApplied, "\(type)")
      #expect(result.run?.reconciliation?.source == "queue_failure_bridge")
    }
  }

  @Test func aTerminalScheduledOnlyRunStillAnswersAlreadyTerminal() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun(type: "backup_schedule_run")
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    let late = try fixture.lifecycle.bridgeQueueFailure(
      runID: run.id, report: QueueFailureReport(kind: .exception, exceptionClass: nil, message: nil),
      by: fixture.worker)
    #expect(late.refusal?.reason == .alreadyTerminal)
  }
}
