import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// `LifecycleService.heartbeat(runID:summaryCounts:by:authorizedFor:)`: the access decision, the heartbeat and
/// the run object's reads in one write transaction. Another workspace's run is exactly as missing as a run that
/// does not exist, and nothing is written for either.
@Suite struct HeartbeatAuthorizationTests {
  private func tokenPrincipal(_ workspaceID: Int64, policy: LifecyclePolicy = .builtIn) -> Principal {
    Principal(
      identity: .token(id: 1, name: "worker"),
      workspaces: [workspaceID: CapabilityRegistry.tokenAccess(workspaceID: workspaceID, policy: policy)])
  }

  /// Everything a heartbeat could write, to show a refused-as-missing one wrote nothing.
  private func footprint(_ fixture: TestFixture) throws -> [String] {
    try fixture.database.pool.read { connection in
      try connection.query(
        """
        SELECT id, status, summary_counts, last_heartbeat_at, stale_at FROM operation_runs ORDER BY id
        """
      ).map { "\($0.values)" }
        + ["late_reports", "audit_events", "notifications"].map {
          "\($0): \(try connection.scalar("SELECT COUNT(*) FROM \($0)") ?? -1)"
        }
    }
  }

  @Test func anotherWorkspacesRunIsTheSameNotFoundAsAMissingRunAndNothingIsWritten() throws {
    let fixture = try IdentityFixture()
    let running = try fixture.base.startedRun()
    let finished = try fixture.base.createRun()
    _ = try fixture.base.lifecycle.complete(runID: finished.id, outcome: .succeeded, by: fixture.base.worker)
    let foreign = tokenPrincipal(fixture.otherWorkspace.id)
    let before = try footprint(fixture.base)
    fixture.clock.advance(by: 10)
    for id in [running.id, finished.id, 999_999] {
      let outcome = try fixture.base.lifecycle.heartbeat(
        runID: id, summaryCounts: ["processed": 1], by: fixture.base.worker, authorizedFor: foreign)
      #expect(outcome == .notFound, "run \(id)")
    }
    #expect(try footprint(fixture.base) == before, "no counts, heartbeat time, late report or audit event")
  }

  @Test func theDecisionIsTheSameOneEveryRouteUses() throws {
    let fixture = try IdentityFixture()
    let readonly = try fixture.principal(
      fixture.member(
        "rita@example.com", role: .readonly, tenants: [fixture.base.tenant, fixture.base.otherTenant]))
    let single = try fixture.principal(
      fixture.member("sam@example.com", role: .operator, tenants: [fixture.base.tenant]))
    let manager = try fixture.principal(fixture.member("marcus@example.com", role: .manager))
    let principals = [readonly, single, manager, tokenPrincipal(fixture.base.workspace.id)]
    let runs = try [
      fixture.base.startedRun(), fixture.base.startedRun(type: "restore.execute"),
      fixture.base.startedRun(tenant: fixture.base.otherTenant),
    ]
    for principal in principals {
      for run in runs {
        let expected = try fixture.database.authorizeRun(id: run.id, principal: principal).decision
        let outcome = try fixture.base.lifecycle.heartbeat(
          runID: run.id, summaryCounts: [:], by: fixture.base.worker, authorizedFor: principal)
        #expect(outcome.decision == expected, "\(principal.label) on run \(run.id) (\(run.type))")
      }
    }
    #expect(
      try fixture.base.lifecycle.heartbeat(
        runID: runs[1].id, summaryCounts: [:], by: fixture.base.worker, authorizedFor: readonly)
        == .forbidden(.restoreView))
  }

  @Test func anAppliedHeartbeatAnswersWithTheRunAndItsReferences() throws {
    let fixture = try TestFixture()
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 30)
    let outcome = try fixture.lifecycle.heartbeat(
      runID: run.id, summaryCounts: ["processed": 10, "total": 50], by: fixture.worker,
      authorizedFor: tokenPrincipal(fixture.workspace.id))
    let transition = try #require(outcome.value)
    #expect(transition.result.isApplied)
    let stored = try #require(try fixture.database.run(id: run.id))
    #expect(transition.result.run == stored)
    #expect(
      transition.details
        == RunDetails(run: stored, workspaceSlug: "acme", initiatorEmail: "ana@example.com", lateReports: []))
    #expect(stored.summaryCounts == ["processed": 10, "total": 50])
    #expect(stored.lastHeartbeatAt == fixture.clock.now())

    let system = try fixture.startedRun(initiator: false)
    let systemBeat = try fixture.lifecycle.heartbeat(
      runID: system.id, summaryCounts: [:], by: fixture.worker,
      authorizedFor: tokenPrincipal(fixture.workspace.id))
    #expect(systemBeat.value?.details.initiatorEmail == nil)
  }

  @Test func aHeartbeatWindowStillMovesTheStoredDeadline() throws {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.heartbeatTimeoutSeconds = 60
    let fixture = try TestFixture(policy: policy)
    let run = try fixture.startedRun()
    fixture.clock.advance(by: 45)
    let outcome = try fixture.lifecycle.heartbeat(
      runID: run.id, summaryCounts: ["processed": 1], by: fixture.worker,
      authorizedFor: tokenPrincipal(fixture.workspace.id, policy: policy))
    let updated = try #require(outcome.value?.result.run)
    let staleAt = try fixture.database.pool.read { connection in
      try connection.scalar("SELECT stale_at FROM operation_runs WHERE id = ?", [run.id])
    }
    #expect(updated.staleDeadline(policy: policy) == fixture.clock.now().addingTimeInterval(60))
    #expect(staleAt == fixture.clock.now().addingTimeInterval(60).epochMilliseconds)
  }

  @Test func refusalsAreTheSameAsBeforeWithTheLateReportInTheAnswer() throws {
    let fixture = try TestFixture()
    let principal = tokenPrincipal(fixture.workspace.id)
    let queued = try fixture.createRun()
    let notStarted = try fixture.lifecycle.heartbeat(
      runID: queued.id, summaryCounts: ["n": 1], by: fixture.worker, authorizedFor: principal)
    #expect(notStarted.value?.result.refusal == Refusal(reason: .notStarted, run: queued))
    #expect(try fixture.database.run(id: queued.id) == queued)

    let finished = try fixture.startedRun()
    _ = try fixture.lifecycle.complete(runID: finished.id, outcome: .failed, by: fixture.worker)
    fixture.clock.advance(by: 5)
    let late = try #require(
      try fixture.lifecycle.heartbeat(
        runID: finished.id, summaryCounts: ["processed": 3], by: fixture.worker, authorizedFor: principal
      ).value)
    let refusal = try #require(late.result.refusal)
    #expect(refusal.reason == .alreadyTerminal)
    #expect(late.details.run == refusal.run)
    #expect(late.details.lateReports.map(\.id) == [refusal.lateReportID])
    #expect(late.details.lateReports.first?.payload == ["summary_counts": ["processed": 3]])
    #expect(late.details.lateReports == (try fixture.database.lateReports(runID: finished.id)))
    #expect(
      try fixture.database.auditEvents(runID: finished.id).map(\.action).last
        == AuditAction.lateReportRefused.rawValue)
  }
}
