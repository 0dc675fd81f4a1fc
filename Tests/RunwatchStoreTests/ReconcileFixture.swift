import Foundation
import RunwatchCore
import SQLiteDB
import TestStorage

@testable import RunwatchStore

/// Reconciler helpers on top of the shared temp-database fixture.
extension TestFixture {
  func reconciler(_ actor: Actor = .scheduledReconciler) -> Reconciler {
    Reconciler(lifecycle: lifecycle, actor: actor)
  }

  /// Makes the fixture's user a member of its workspace (so `initiator_member` passes).
  func addMembership() throws {
    let now = clock.now()
    try database.pool.write { connection in
      try connection.execute(
        "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, 'operator', ?)",
        [userID, workspace.id, now])
    }
  }

  func startedRun(type: String = "policy.sync", initiator: Bool = true, tenant: Tenant? = nil) throws
    -> OperationRun
  {
    let run = try createRun(type: type, initiator: initiator, tenant: tenant)
    return try require(try lifecycle.start(runID: run.id, by: worker).run)
  }

  func stored(_ run: OperationRun) throws -> OperationRun {
    try require(try database.run(id: run.id))
  }

  /// Row counts of every table a reconciliation could write, for "nothing changed" checks.
  func writeCounts() throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for table in ["operation_runs", "audit_events", "notifications", "late_reports"] {
      counts[table] = try count(table)
    }
    counts["completed"] = try database.pool.read {
      Int(try $0.scalar("SELECT COUNT(*) FROM operation_runs WHERE status = 'completed'") ?? 0)
    }
    return counts
  }

  func auditCount(action: String) throws -> Int {
    try database.pool.read {
      Int(try $0.scalar("SELECT COUNT(*) FROM audit_events WHERE action = ?", [action]) ?? 0)
    }
  }
}

/// An error a fault hook throws to simulate a crash.
struct InjectedCrash: Error, Equatable {}

/// Minimal `#require` for helpers outside a test body.
private func require<T>(_ value: T?) throws -> T {
  guard let value else { throw StoreError.notFound("expected value") }
  return value
}
