import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// `run_rollups` and `run_totals` are maintained in the terminal write's own transaction and always equal a
/// recomputation from the runs.
@Suite struct RunRollupsTests {
  static func maintained(_ fixture: TestFixture) throws -> [String] {
    try fixture.database.pool.read { connection in
      try connection.query(
        "SELECT workspace_id, hour, tenant_id, type, outcome, reason, runs FROM run_rollups ORDER BY 1, 2, 3, 4, 5, 6"
      ).map(Self.describe)
        + connection.query("SELECT name, value FROM run_totals ORDER BY 1").map(Self.describe)
    }
  }

  static func recomputed(_ fixture: TestFixture) throws -> [String] {
    try fixture.database.pool.write { connection in
      try connection.transaction {
        try RunRollups.rebuild(in: connection)
        let rows =
          try connection.query(
            "SELECT workspace_id, hour, tenant_id, type, outcome, reason, runs FROM run_rollups ORDER BY 1, 2, 3, 4, 5, 6"
          ).map(Self.describe)
          + connection.query("SELECT name, value FROM run_totals ORDER BY 1").map(Self.describe)
        throw Recomputed(rows: rows)  // roll the rebuild back: only the comparison is wanted
      }
    }
  }

  struct Recomputed: Error { var rows: [String] }

  static func describe(_ row: Row) -> String {
    row.values.map { value in
      switch value {
      case .integer(let number): "\(number)"
      case .text(let text): text
      default: "\(value)"
      }
    }.joined(separator: "|")
  }

  static func recompute(_ fixture: TestFixture) -> [String] {
    do {
      return try recomputed(fixture)
    } catch let result as Recomputed {
      return result.rows
    } catch {
      return ["error: \(error)"]
    }
  }

  @Test func maintainedCountsEqualARecomputationAfterEveryKindOfFinish() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    var runs: [OperationRun] = []
    for index in 0..<12 {
      let tenant = index % 3 == 0 ? nil : (index % 3 == 1 ? fixture.tenant : fixture.otherTenant)
      let run = try fixture.lifecycle.create(
        NewRun(
          workspaceID: fixture.workspace.id, tenantID: tenant?.id, initiatorUserID: fixture.userID,
          type: index % 2 == 0 ? "policy.sync" : "inventory_sync"), by: fixture.worker)
      runs.append(run)
      fixture.clock.advance(by: 700)  // runs spread over several hours
    }
    _ = try fixture.lifecycle.start(runID: runs[0].id, by: fixture.worker)
    _ = try fixture.lifecycle.complete(runID: runs[0].id, outcome: .succeeded, by: fixture.worker)
    _ = try fixture.lifecycle.fail(
      runID: runs[1].id, failures: [RunFailure(code: "x", message: "y")], by: fixture.worker)
    _ = try fixture.lifecycle.bridgeQueueFailure(
      runID: runs[2].id, report: QueueFailureReport(kind: .timeout, exceptionClass: nil, message: nil),
      by: fixture.worker)
    _ = try fixture.lifecycle.complete(runID: runs[3].id, outcome: .cancelled, by: fixture.worker)
    // A late report changes nothing.
    _ = try fixture.lifecycle.complete(runID: runs[0].id, outcome: .failed, by: fixture.worker)
    fixture.clock.advance(by: 2_000)
    let healed = try fixture.reconciler().reconcileAll()
    #expect(healed.reconciled > 0)
    let maintained = try Self.maintained(fixture)
    #expect(maintained.count > 4)
    #expect(maintained == Self.recompute(fixture))
    #expect(maintained.last == "completed|12")
  }

  @Test func theLastDayCountFollowsTheViewersScopeAndTheHourBoundary() throws {
    let fixture = try TestFixture()
    let contoso = try fixture.createRun(tenant: fixture.tenant)
    let fabrikam = try fixture.createRun(tenant: fixture.otherTenant)
    let workspaceLevel = try fixture.lifecycle.create(
      NewRun(workspaceID: fixture.workspace.id, tenantID: nil, initiatorUserID: nil, type: "policy.sync"),
      by: fixture.worker)
    fixture.clock.advance(by: 1_000)
    #expect(try fixture.reconciler().reconcile().reconciled == 3)
    let now = fixture.clock.now()
    let all = RunScope(workspaceID: fixture.workspace.id)
    #expect(try fixture.database.reconciledFailedLastDay(scope: all, now: now).count == 3)
    let contosoOnly = RunScope(
      workspaceID: fixture.workspace.id, tenantIDs: [fixture.tenant.id], includesWorkspaceLevelRuns: false)
    #expect(try fixture.database.reconciledFailedLastDay(scope: contosoOnly, now: now).count == 1)
    var withWorkspaceLevel = contosoOnly
    withWorkspaceLevel.includesWorkspaceLevelRuns = true
    #expect(try fixture.database.reconciledFailedLastDay(scope: withWorkspaceLevel, now: now).count == 2)
    let hidden = RunScope(workspaceID: fixture.workspace.id, hiddenTypes: ["policy.sync"])
    #expect(try fixture.database.reconciledFailedLastDay(scope: hidden, now: now).count == 0)
    // The count starts at an hour boundary at most 25 h back, and the list filter with that instant agrees.
    let (count, since) = try fixture.database.reconciledFailedLastDay(scope: all, now: now)
    #expect(since <= now.addingTimeInterval(-24 * 3600) && since > now.addingTimeInterval(-25 * 3600))
    #expect(Int(since.timeIntervalSince1970) % 3600 == 0)
    let listed = try fixture.database.listRuns(
      scope: all, filter: RunFilter(freshness: .reconciledFailed, reconciledSince: since), limit: 50, now: now
    )
    #expect(listed.runs.count == count)
    #expect(Set(listed.runs.map(\.id)) == [contoso.id, fabrikam.id, workspaceLevel.id])
    // A day and an hour later nothing is counted.
    let later = now.addingTimeInterval(25 * 3600)
    #expect(try fixture.database.reconciledFailedLastDay(scope: all, now: later).count == 0)
  }

  @Test(
    .enabled(
      if: TestStorage.isSQLite, "SQLite files written before rollups; PostgreSQL's schema starts with them"))
  func theMigrationFillsRollupsFromRunsAlreadyStored() throws {
    let fixture = try TestFixture()
    _ = try fixture.createRun()
    let done = try fixture.startedRun()
    _ = try fixture.lifecycle.complete(runID: done.id, outcome: .succeeded, by: fixture.worker)
    fixture.clock.advance(by: 1_000)
    _ = try fixture.reconciler().reconcile()
    let before = try Self.maintained(fixture)
    // Forget the rollups and the migration, as on a file written before it, and open again.
    try fixture.database.pool.write { connection in
      try connection.executeScript(
        "DROP TABLE run_rollups; DROP TABLE run_totals; DELETE FROM schema_migrations WHERE name = '2026_12_02_001_run_rollups'"
      )
    }
    let reopened = try RunwatchDatabase(location: fixture.location, policy: .builtIn)
    let after = try reopened.pool.read { connection in
      try connection.query(
        "SELECT workspace_id, hour, tenant_id, type, outcome, reason, runs FROM run_rollups ORDER BY 1, 2, 3, 4, 5, 6"
      ).map(Self.describe)
        + connection.query("SELECT name, value FROM run_totals ORDER BY 1").map(Self.describe)
    }
    #expect(after == before)
    #expect(after.last == "completed|2")
  }
}
