import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchCLI

/// `runwatch reconcile --dry-run` writes nothing: it does not migrate, recompute stored deadlines or record the
/// policy fingerprint, so the file stays byte for byte as it was and the command works where the file or its
/// directory cannot be written.
@Suite(.serialized, .enabled(if: TestStorage.isSQLite, "a read-only SQLite file and directory"))
struct ReconcileDryRunReadOnlyTests {
  private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  /// A policy that differs from the one the file was written with: opening for real would recompute every
  /// active run's `stale_at` and store the new fingerprint.
  private func changedPolicyFile(in directory: URL) throws -> String {
    var yaml = LifecyclePolicy.builtIn.yamlText
    yaml = yaml.replacingOccurrences(of: "interval_seconds: 60", with: "interval_seconds: 61")
    let path = directory.appendingPathComponent("changed-policy.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func aDryRunLeavesTheFileByteForByte() throws {
    let setup = try ReconcileCommandTests.Setup()
    let policy = try changedPolicyFile(in: setup.directory)
    let before = bytes(setup.path)
    let output = try ReconcileCommand.parse(["--db", setup.path, "--policy", policy, "--dry-run", "--json"])
      .output(clock: setup.clock)
    let result = try JSONDecoder().decode(ReconcileResult.self, from: Data(output.utf8))
    #expect(result.changes.map(\.operationRunID) == [setup.staleRunID])
    #expect(bytes(setup.path) == before, "the dry run changed the database file")
    #expect(
      !FileManager.default.fileExists(atPath: setup.path + "-wal")
        || bytes(setup.path + "-wal")?.isEmpty == true)
  }

  /// Runs the real binary on a file that cannot be written, as an unprivileged user when the tests run as root
  /// (root ignores file modes): first a read-only file in a writable directory, then a read-only directory.
  @Test(arguments: [false, true]) func aDryRunWorksOnAReadOnlyDatabase(readOnlyDirectory: Bool) throws {
    let binary = try #require(RunExecTests.runwatchBinary(), "build the runwatch product first")
    let setup = try ReconcileCommandTests.Setup()
    // The binary reads the real clock: move both runs ten years back so the stale one is stale now as well
    // (the fresh one, 15 minutes younger, is then stale too).
    do {
      let database = try RunwatchDatabase(path: setup.path, policy: .builtIn)
      try database.pool.write { connection in
        let tenYears: Int64 = 10 * 365 * 86_400 * 1000
        try connection.execute(
          "UPDATE operation_runs SET created_at = created_at - ?, stale_at = stale_at - ?",
          [tenYears, tenYears])
      }
      try database.sqlitePool?.checkpoint(truncateAboveBytes: 0)
    }
    let manager = FileManager.default
    try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: setup.path)
    try manager.setAttributes(
      [.posixPermissions: readOnlyDirectory ? 0o555 : 0o777], ofItemAtPath: setup.directory.path)
    defer { try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: setup.directory.path) }
    let before = bytes(setup.path)

    let process = Process()
    var arguments = [binary.path, "reconcile", "--db", setup.path, "--dry-run", "--json"]
    if getuid() == 0 {
      let setpriv = "/usr/bin/setpriv"
      try #require(manager.isExecutableFile(atPath: setpriv), "root needs setpriv to drop privileges")
      arguments = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"] + arguments
    }
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "stderr: \(stderr)")
    let result = try JSONDecoder().decode(ReconcileResult.self, from: stdout)
    #expect(result.changes.map(\.operationRunID) == [setup.staleRunID, setup.freshRunID])
    #expect(result.reconciled == 0)
    #expect(bytes(setup.path) == before)
  }
}
