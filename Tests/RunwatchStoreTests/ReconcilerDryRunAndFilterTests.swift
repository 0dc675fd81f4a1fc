import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage
import Testing

@testable import RunwatchStore

/// Dry-run (MISSION.md guarantee 5), options, and the index the candidate query relies on.
@Suite struct ReconcilerDryRunAndFilterTests {
  @Test func dryRunWritesNothingYetReportsTheSameChanges() throws {
    let fixture = try TestFixture()
    try fixture.addMembership()
    _ = try fixture.createRun()
    _ = try fixture.startedRun(type: "restore.execute")
    let linked = try fixture.lifecycle.create(
      NewRun(
        workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id, initiatorUserID: nil,
        type: "restore.execute",
        linkedRecord: LinkedRecord(kind: "restore", externalID: "r-1", status: "running")),
      by: fixture.worker)
    try fixture.database.updateLinkedRecord(kind: "restore", externalID: "r-1", status: "cancelled")
    fixture.clock.advance(by: 4_500)
    // SQLite's `data_version` changes when another connection commits anything at all; on PostgreSQL the
    // table counts below are the check.
    let observer = TestStorage.isSQLite ? try TestStorage.connect(fixture.location) : nil
    let versionBefore = try observer?.scalar("PRAGMA data_version")
    let countsBefore = try fixture.writeCounts()

    let preview = try fixture.reconciler().reconcile(ReconcileOptions(dryRun: true))
    #expect(try observer?.scalar("PRAGMA data_version") == versionBefore)
    #expect(try fixture.writeCounts() == countsBefore)
    #expect(preview.candidates == 3)
    #expect(preview.reconciled == 0)
    #expect(preview.changes.count == 3)
    #expect(preview.changes.allSatisfy { !$0.applied })
    #expect(preview.changes.first?.operationRunID == linked.id)

    let applied = try fixture.reconciler().reconcile()
    if let observer { #expect(try observer.scalar("PRAGMA data_version") != versionBefore) }
    #expect(applied.reconciled == 3)
    let previewAsApplied = preview.changes.map { change in
      var change = change
      change.applied = true
      return change
    }
    #expect(applied.changes == previewAsApplied)
  }

  @Test func filtersAndLimitSelectOnlyMatchingRuns() throws {
    let fixture = try TestFixture()
    let otherWorkspace = try fixture.database.addWorkspace(
      slug: "globex", name: "Globex", at: fixture.clock.now())
    let otherWorkspaceTenant = try fixture.database.addTenant(
      workspaceID: otherWorkspace.id, name: "Initech", at: fixture.clock.now())
    let policySync = try fixture.createRun(type: "policy.sync")
    let inventory = try fixture.createRun(type: "inventory_sync", tenant: fixture.otherTenant)
    let elsewhere = try fixture.lifecycle.create(
      NewRun(
        workspaceID: otherWorkspace.id, tenantID: otherWorkspaceTenant.id, initiatorUserID: nil,
        type: "policy.sync"), by: fixture.worker)
    fixture.clock.advance(by: 900)
    let reconciler = fixture.reconciler()
    func ids(_ options: ReconcileOptions) throws -> Set<Int64> {
      var options = options
      options.dryRun = true
      return Set(try reconciler.reconcile(options).changes.map(\.operationRunID))
    }
    #expect(try ids(ReconcileOptions(types: ["inventory_sync"])) == [inventory.id])
    #expect(try ids(ReconcileOptions(tenantIDs: [fixture.tenant.id])) == [policySync.id])
    #expect(try ids(ReconcileOptions(workspaceIDs: [otherWorkspace.id])) == [elsewhere.id])
    #expect(
      try ids(ReconcileOptions(types: ["policy.sync"], workspaceIDs: [fixture.workspace.id])) == [
        policySync.id
      ])
    #expect(try ids(ReconcileOptions()) == [policySync.id, inventory.id, elsewhere.id])
    #expect(try reconciler.reconcile(ReconcileOptions(limit: 2, dryRun: true)).candidates == 2)
    let limited = try reconciler.reconcile(ReconcileOptions(limit: 1))
    #expect(limited.reconciled == 1)
    #expect(try fixture.writeCounts()["completed"] == 1)
  }

  @Test func badOptionsAreRefusedWithAClearMessageBeforeAnythingIsRead() throws {
    let fixture = try TestFixture()
    let reconciler = fixture.reconciler()
    let cases: [(ReconcileOptions, String)] = [
      (ReconcileOptions(limit: 0), "limit must be between 1 and 500, got 0"),
      (ReconcileOptions(limit: 501), "limit must be between 1 and 500, got 501"),
      (ReconcileOptions(types: ["report.export"]), "type report.export is not covered"),
      (ReconcileOptions(tenantIDs: [-1]), "tenant ids must be positive, got -1"),
      (ReconcileOptions(workspaceIDs: [0]), "workspace ids must be positive, got 0"),
    ]
    for (options, message) in cases {
      let error = #expect(throws: StoreError.self) { try reconciler.reconcile(options) }
      #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
    #expect(try reconciler.reconcile(ReconcileOptions(limit: 500)).candidates == 0)
  }

  @Test(.enabled(if: TestStorage.isSQLite, "SQLite's query plans (EXPLAIN QUERY PLAN)"))
  func staleCandidatesComeFromThePartialIndexesNotATableScan() throws {
    let fixture = try TestFixture()
    let query = CandidateQuery(
      options: ReconcileOptions(tenantIDs: [1], workspaceIDs: [1]), policy: .builtIn, limit: 100,
      now: fixture.clock.now())
    let types = LifecyclePolicy.builtIn.reconcilableTypes
    let filters = query.filterArguments(types)
    let plans = try fixture.database.pool.read { connection in
      [
        try connection.query(
          "EXPLAIN QUERY PLAN " + query.staleProbeSQL(typeCount: types.count, engine: SQLiteSQL()),
          query.staleProbeArguments(types)),
        try connection.query(
          "EXPLAIN QUERY PLAN "
            + query.staleSQL(typeCount: types.count, continuing: true, engine: SQLiteSQL()),
          [fixture.clock.now()] + filters + [1, 10, 100]),
        try connection.query(
          "EXPLAIN QUERY PLAN "
            + query.staleSQL(typeCount: types.count, continuing: false, engine: SQLiteSQL()),
          [fixture.clock.now()] + filters + [0, 100]),
        try connection.query(
          "EXPLAIN QUERY PLAN " + query.linkedSQL(typeCount: types.count, engine: SQLiteSQL()),
          query.linkedArguments(types)),
      ].map { rows in rows.compactMap { $0.string("detail") }.joined(separator: "; ") }
    }
    #expect(plans[0].contains("USING INDEX runs_active_by_stale_at (stale_at<?)"), "\(plans[0])")
    // The walk seeks into the covering index of active runs and never reads the table or sorts.
    #expect(
      plans[1] == "SEARCH operation_runs USING COVERING INDEX runs_active_covering (workspace_id=? AND id>?)",
      "\(plans[1])")
    // (`workspace_id=?` here, because the one-workspace filter pins it; `workspace_id>?` without a filter.)
    #expect(
      plans[2].hasPrefix("SEARCH operation_runs USING COVERING INDEX runs_active_covering (workspace_id"),
      "\(plans[2])")
    #expect(!plans[1].contains("TEMP B-TREE") && !plans[2].contains("TEMP B-TREE"), "\(plans[2])")
    #expect(plans[3].contains("USING INDEX runs_linked_active"), "\(plans[3])")
  }
}
