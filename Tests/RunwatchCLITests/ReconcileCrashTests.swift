import Foundation
import RunwatchCore
import RunwatchStore
import SQLiteDB
import TestStorage
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kill -9` of a real `runwatch serve` while its reconcile loop is healing thousands of runs, several to a
/// transaction: afterwards every run is either untouched or fully reconciled (run row, exactly one audit event,
/// exactly one notification), and a second serve heals the rest.
@Suite(.serialized) struct ReconcileCrashTests {
  static let staleRuns = 4_000

  /// A database with `staleRuns` queued runs (half with an initiator, so healing writes notifications) whose
  /// queued window has long passed.
  static func staleDatabase(_ harness: CLIHarness) throws {
    let database = try harness.database()
    let clock = ManualTimeSource(Date().addingTimeInterval(-7_200))
    let lifecycle = LifecycleService(database: database, clock: clock)
    let workspace = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
    let tenant = try database.addTenant(workspaceID: workspace.id, name: "Contoso", at: clock.now())
    let userID = try database.pool.writeTransaction { connection in
      let id = try connection.insert(
        "INSERT INTO users (email, name, created_at) VALUES ('ana@example.com', 'Ana', ?)", [clock.now()])
      try connection.execute(
        "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, 'owner', ?)",
        [id, workspace.id, clock.now()])
      return id
    }
    let worker = Actor(kind: .token, label: "token:crash-test", source: "api")
    for index in 0..<staleRuns {
      _ = try lifecycle.create(
        NewRun(
          workspaceID: workspace.id, tenantID: tenant.id, initiatorUserID: index % 2 == 0 ? userID : nil,
          type: "policy.sync"), by: worker)
    }
  }

  /// Counts of (healed, untouched) runs, checking that each run is one or the other in full.
  static func wholeRuns(_ location: StorageLocation) throws -> (healed: Int, untouched: Int) {
    let connection = try TestStorage.connect(location)
    let rows = try connection.query(
      """
      SELECT r.id, r.status, r.reconciliation_reason IS NOT NULL AS reconciled, r.initiator_user_id IS NOT NULL
          AS initiated,
        (SELECT COUNT(*) FROM audit_events a WHERE a.run_id = r.id AND a.action = 'run.reconciled') AS audits,
        (SELECT COUNT(*) FROM notifications n WHERE n.run_id = r.id) AS notes
      FROM operation_runs r
      """)
    var healed = 0
    var untouched = 0
    for row in rows {
      let id = row.int64("id") ?? 0
      let initiated = row.int64("initiated") == 1
      if row.string("status") == "completed" {
        #expect(row.int64("reconciled") == 1, "run \(id)")
        #expect(row.int64("audits") == 1, "run \(id) has \(row.int64("audits") ?? -1) audit events")
        #expect(row.int64("notes") == (initiated ? 1 : 0), "run \(id) notifications")
        healed += 1
      } else {
        #expect(
          row.int64("reconciled") == 0 && row.int64("audits") == 0 && row.int64("notes") == 0, "run \(id)")
        untouched += 1
      }
    }
    return (healed, untouched)
  }

  static func serve(_ harness: CLIHarness) throws -> Process {
    let binary = try #require(RunExecTests.runwatchBinary(), "build the runwatch product first")
    let policy = harness.directory.appendingPathComponent("policy.yaml").path
    var rules = LifecyclePolicy.builtIn
    rules.reconcile.batchLimit = 500
    try rules.yamlText.write(toFile: policy, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = binary
    process.arguments = [
      "serve", "--db", harness.path, "--policy", policy, "--port", "0", "--public",
      ServeCommandTests.publicDirectory,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test func killingServeInsideABatchLeavesEveryRunWholeAndTheNextServeHealsTheRest() throws {
    let harness = try CLIHarness()
    try Self.staleDatabase(harness)
    let process = try Self.serve(harness)
    // Kill it as soon as the first transactions of the heal have committed.
    let reader = try TestStorage.connect(harness.location)
    let deadline = Date().addingTimeInterval(60)
    var seen: Int64 = 0
    while Date() < deadline, process.isRunning {
      seen =
        try reader.scalar("SELECT COUNT(*) FROM operation_runs WHERE reconciliation_reason IS NOT NULL") ?? 0
      if seen > 0 { break }
      usleep(2_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(seen > 0, "the heal began")

    let (healed, untouched) = try Self.wholeRuns(harness.location)
    #expect(healed + untouched == Self.staleRuns)
    #expect(healed > 0 && untouched > 0, "killed mid-heal: \(healed) healed, \(untouched) untouched")

    // The next serve finishes the job: every run healed exactly once.
    let again = try Self.serve(harness)
    let finished = Date().addingTimeInterval(120)
    while Date() < finished, again.isRunning,
      (try reader.scalar("SELECT COUNT(*) FROM operation_runs WHERE status <> 'completed'") ?? 1) > 0
    {
      usleep(50_000)
    }
    again.terminate()
    again.waitUntilExit()
    #expect(try Self.wholeRuns(harness.location) == (Self.staleRuns, 0))
  }
}
