import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchCLI

/// `runwatch reconcile`, parsed and run in process against a temp database.
@Suite struct ReconcileCommandTests {
  /// A temp database with one stale queued run (initiated by a user) and one fresh run.
  final class Setup {
    let directory: URL
    let location: StorageLocation
    /// What `--db` is given.
    let path: String
    let clock = ManualTimeSource()
    let staleRunID: Int64
    let freshRunID: Int64
    let tenantID: Int64

    init() throws {
      directory = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-cli-\(UUID())")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      location = try TestStorage.freshLocation(in: directory)
      switch location {
      case .sqlite(let file): path = file
      case .postgres(let url): path = url
      }
      let database = try RunwatchDatabase(location: location, policy: .builtIn)
      let lifecycle = LifecycleService(database: database, clock: clock)
      let workspace = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
      let tenant = try database.addTenant(workspaceID: workspace.id, name: "Contoso", at: clock.now())
      tenantID = tenant.id
      let worker = Actor(kind: .worker, label: "worker:test", source: "run_exec")
      staleRunID =
        try lifecycle.create(
          NewRun(workspaceID: workspace.id, tenantID: tenant.id, initiatorUserID: nil, type: "policy.sync"),
          by: worker
        ).id
      clock.advance(by: 900)
      freshRunID =
        try lifecycle.create(
          NewRun(workspaceID: workspace.id, tenantID: tenant.id, initiatorUserID: nil, type: "policy.sync"),
          by: worker
        ).id
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func command(_ arguments: [String]) throws -> ReconcileCommand {
      try ReconcileCommand.parse(["--db", path] + arguments)
    }

    func run(id: Int64) throws -> OperationRun? {
      try RunwatchDatabase(location: location, policy: .builtIn).run(id: id)
    }
  }

  @Test func jsonPrintsExactlyTheResultObject() throws {
    let setup = try Setup()
    let text = try setup.command(["--json"]).output(clock: setup.clock)
    let object = try #require(JSONValue(jsonText: text)?.objectValue)
    #expect(Set(object.keys) == ["candidates", "reconciled", "skipped", "changes", "unlisted_changes"])
    #expect(object["unlisted_changes"] == 0)
    guard case .array(let changes)? = object["changes"] else {
      Issue.record("changes is not an array")
      return
    }
    let change = try #require(changes.first?.objectValue)
    #expect(
      Set(change.keys) == [
        "applied", "operation_run_id", "type", "before", "after", "reason_code", "reason_message", "evidence",
      ])
    #expect(change["before"]?["freshness_state"] == "likely_stale")
    let result = try JSONDecoder().decode(ReconcileResult.self, from: Data(text.utf8))
    #expect(result.candidates == 1)
    #expect(result.reconciled == 1)
    #expect(result.changes.map(\.operationRunID) == [setup.staleRunID])
    #expect(result.changes.first?.applied == true)
    #expect(try setup.run(id: setup.staleRunID)?.reconciliation?.source == "cli")
    #expect(try setup.run(id: setup.freshRunID)?.status == .queued)
  }

  @Test func dryRunPrintsATableAndASummaryAndWritesNothing() throws {
    let setup = try Setup()
    let text = try setup.command(["--dry-run", "--type", "policy.sync", "--tenant", "\(setup.tenantID)"])
      .output(clock: setup.clock)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("RUN") == true)
    #expect(lines.count == 3)
    #expect(lines[1].contains("run.stale_queued"))
    #expect(lines[1].hasSuffix("no"))
    #expect(lines.last == "Dry run: would reconcile 1 of 1 candidate(s), 0 skipped; nothing was written.")
    #expect(try setup.run(id: setup.staleRunID)?.status == .queued)
    let applied = try setup.command([]).output(clock: setup.clock)
    #expect(applied.hasSuffix("Reconciled 1 of 1 candidate(s), 0 skipped.\n"))
    #expect(
      try setup.command([]).output(clock: setup.clock) == "Reconciled 0 of 0 candidate(s), 0 skipped.\n")
  }

  @Test func badOptionsFailValidationWithAClearMessage() throws {
    let cases: [([String], String)] = [
      (["--limit", "0"], "--limit must be between 1 and 500, got 0."),
      (["--limit", "501"], "--limit must be between 1 and 500, got 501."),
      (["--tenant", "0"], "--tenant must be a positive id, got 0."),
      (["--workspace", "0"], "--workspace must be a positive id, got 0."),
      (["--type", " "], "--type must not be empty"),
    ]
    for (arguments, message) in cases {
      do {
        _ = try RunwatchCommand.parseAsRoot(["reconcile"] + arguments)
        Issue.record("\(arguments) parsed")
      } catch {
        #expect(
          RunwatchCommand.message(for: error).contains(message), "\(RunwatchCommand.message(for: error))")
        #expect(RunwatchCommand.exitCode(for: error) != .success)
      }
    }
  }

  @Test func uncoveredTypeOrUnreadablePolicyExitsNonZeroWithAClearMessage() throws {
    let setup = try Setup()
    let uncovered = #expect(throws: CLIError.self) {
      try setup.command(["--type", "report.export"]).output(clock: setup.clock)
    }
    #expect(
      uncovered?.description
        == "reconcile: type report.export is not covered by the lifecycle policy, so it is never reconciled")
    let missingPolicy = #expect(throws: CLIError.self) {
      try setup.command(["--policy", setup.directory.appendingPathComponent("missing.yaml").path])
        .output(clock: setup.clock)
    }
    #expect(missingPolicy?.description.hasPrefix("cannot read policy file") == true)
    #expect(try setup.run(id: setup.staleRunID)?.status == .queued)
  }
}
