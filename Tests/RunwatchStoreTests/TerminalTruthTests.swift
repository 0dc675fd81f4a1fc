import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// MISSION.md guarantees 2 (terminal truth is immutable) and 4 (late reports are evidence, not overwrites).
@Suite struct TerminalTruthTests {
  @Test func terminalTruthIsImmutable() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    let done = try #require(
      try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker).run)
    fixture.clock.advance(by: 60)
    let attempts: [TransitionResult] = [
      try fixture.lifecycle.start(runID: run.id, by: fixture.worker),
      try fixture.lifecycle.heartbeat(runID: run.id, summaryCounts: ["n": 5], by: fixture.worker),
      try fixture.lifecycle.complete(runID: run.id, outcome: .failed, by: fixture.worker),
      try fixture.lifecycle.bridgeQueueFailure(
        runID: run.id, report: QueueFailureReport(kind: .exception, exceptionClass: "E", message: "m"),
        by: fixture.worker),
      try fixture.lifecycle.forceFailNonTerminal(
        runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: [:], by: .cliReconciler),
    ]
    for attempt in attempts {
      #expect(attempt.refusal?.reason == .alreadyTerminal)
    }
    #expect(try fixture.database.run(id: run.id) == done)
    #expect(try fixture.count("notifications") == 1)
  }

  @Test func lateReportIsStoredWithAnAuditEvent() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
    _ = try fixture.lifecycle.forceFailNonTerminal(
      runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: [:], by: .scheduledReconciler)
    let late = try fixture.lifecycle.complete(
      runID: run.id, outcome: .succeeded, summaryCounts: ["processed": 50],
      failures: [], by: fixture.worker)
    let refusal = try #require(late.refusal)
    #expect(refusal.reason == .alreadyTerminal)
    #expect(refusal.run?.outcome == .failed)
    let reports = try fixture.database.lateReports(runID: run.id)
    #expect(reports.count == 1)
    #expect(reports.first?.id == refusal.lateReportID)
    #expect(reports.first?.kind == "complete")
    #expect(reports.first?.reporter == "token:test-worker")
    #expect(reports.first?.payload["outcome"]?.stringValue == "succeeded")
    #expect(reports.first?.payload["summary_counts"]?["processed"]?.numberValue == 50)
    let audit = try fixture.database.auditEvents(runID: run.id)
    let lateEvent = try #require(audit.last)
    #expect(lateEvent.action == "run.late_report_refused")
    #expect(lateEvent.metadata["late_report_id"]?.numberValue == Double(refusal.lateReportID ?? -1))
    #expect(try fixture.database.run(id: run.id)?.outcome == .failed)
  }

  @Test func compareAndSetRaceHasExactlyOneWinner() async throws {
    for _ in 0..<20 {
      let fixture = try TestFixture()
      let run = try fixture.createRun()
      _ = try fixture.lifecycle.start(runID: run.id, by: fixture.worker)
      let lifecycle = fixture.lifecycle
      let worker = fixture.worker
      async let completion = Task.detached {
        try lifecycle.complete(runID: run.id, outcome: .succeeded, by: worker)
      }.value
      async let reconciliation = Task.detached {
        try lifecycle.forceFailNonTerminal(
          runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: [:],
          by: .scheduledReconciler)
      }.value
      let results = try await [completion, reconciliation]
      #expect(results.filter(\.isApplied).count == 1)
      let loser = try #require(results.first { !$0.isApplied })
      #expect(loser.refusal?.reason == .alreadyTerminal)
      let stored = try #require(try fixture.database.run(id: run.id))
      #expect(stored == results.first(where: \.isApplied)?.run)
      #expect(try fixture.count("notifications") == 1)
      if results[0].isApplied {
        #expect(stored.outcome == .succeeded)
      } else {
        #expect(stored.reconciliation?.reason == .staleRunning)
        #expect(try fixture.database.lateReports(runID: run.id).count == 1)
      }
    }
  }

  @Test func theSchemaRefusesASecondNotificationForARun() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    let error = #expect(throws: (any Error).self) {
      try fixture.database.pool.write { connection in
        try connection.execute(
          "INSERT INTO notifications (user_id, run_id, title, message, url, created_at) VALUES (?, ?, 't', 'm', 'u', ?)",
          [fixture.userID, run.id, fixture.clock.now()])
      }
    }
    #expect((error as? any DatabaseFault)?.isConstraintViolation == true, "\(String(describing: error))")
    #expect(try fixture.count("notifications") == 1)
  }

  @Test func theSchemaRefusesASecondTerminalAuditEventForARun() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    for action in ["run.reconciled", "run.completed", "run.queue_failure_bridged"] {
      let error = #expect(throws: (any Error).self) {
        try fixture.database.pool.write { connection in
          try connection.execute(
            """
            INSERT INTO audit_events (workspace_id, run_id, actor_kind, actor_label, source, action, created_at)
            VALUES (?, ?, 'system', 'second writer', 'test', ?, ?)
            """, [fixture.workspace.id, run.id, action, fixture.clock.now()])
        }
      }
      #expect(
        (error as? any DatabaseFault)?.isConstraintViolation == true,
        "\(action): \(String(describing: error))")
    }
    // Other events about the run (late reports refused, for instance) are not limited.
    try fixture.database.pool.write { connection in
      try connection.execute(
        """
        INSERT INTO audit_events (workspace_id, run_id, actor_kind, actor_label, source, action, created_at)
        VALUES (?, ?, 'worker', 'late worker', 'test', 'run.late_report_refused', ?)
        """, [fixture.workspace.id, run.id, fixture.clock.now()])
    }
  }

  @Test func theSchemaRefusesAnInconsistentStatusAndOutcome() throws {
    let fixture = try TestFixture()
    let run = try fixture.createRun()
    #expect(throws: (any Error).self) {
      try fixture.database.pool.write { connection in
        try connection.execute("UPDATE operation_runs SET outcome = 'succeeded' WHERE id = ?", [run.id])
      }
    }
  }
}
