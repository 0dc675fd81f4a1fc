import ArgumentParser
import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchCLI

/// `runwatch policy validate|show` parsed and run in process, as a user types them.
@Suite struct PolicyCommandTests {
  /// A temp directory with files in it, removed at the end of the test.
  final class TempFiles {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-cli-\(UUID().uuidString)")

    init() throws {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ text: String) throws -> String {
      let path = directory.appendingPathComponent(name).path
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
  }

  static let validFile = """
    safety_margin_seconds: 30
    queues:
      default: { retry_after_seconds: 600 }
    reconcile: { interval_seconds: 60, batch_limit: 100 }
    types:
      policy.sync:
        queue: default
        queued_stale_after_seconds: 900
        running_stale_after_seconds: 1200
        expected_runtime_seconds: 120
        job_timeout_seconds: 300
        terminal_truth_path: direct_and_scheduled
        scheduled_reconciliation: true
        capability: operations.view
    """

  @Test func validateParsesAndAcceptsAValidFile() throws {
    let files = try TempFiles()
    let path = try files.write("policy.yaml", Self.validFile)
    var command = try RunwatchCommand.parseAsRoot(["policy", "validate", "--policy", path])
    let validate = try #require(command as? PolicyCommand.Validate)
    #expect(validate.options.policyPath == path)
    try command.run()
  }

  @Test func validateExitsOneForAnInvalidFileAndLoadPolicyNamesEveryViolation() throws {
    let files = try TempFiles()
    let invalid = Self.validFile
      .replacingOccurrences(of: "job_timeout_seconds: 300", with: "job_timeout_seconds: 590")
      .replacingOccurrences(of: "batch_limit: 100", with: "batch_limit: 900")
    let path = try files.write("policy.yaml", invalid)
    var command = try RunwatchCommand.parseAsRoot(["policy", "validate", "--policy", path])
    #expect(throws: ExitCode(1)) { try command.run() }

    let validate = try #require(command as? PolicyCommand.Validate)
    do {
      _ = try validate.options.loadPolicy()
      Issue.record("an invalid policy loaded")
    } catch {
      #expect(
        String(describing: error).split(separator: "\n") == [
          "reconcile.batch_limit: 900 must be between 1 and 500",
          "types.policy.sync.job_timeout_seconds: 590 + safety_margin_seconds 30 = 620 must be < "
            + "queues.default.retry_after_seconds 600",
        ])
    }
  }

  @Test func unreadableFilesAndSyntaxErrorsAreClearMessages() throws {
    let files = try TempFiles()
    let missing = files.directory.appendingPathComponent("absent.yaml").path
    var options = try GlobalOptions.parse(["--policy", missing])
    let error = #expect(throws: CLIError.self) { try options.loadPolicy() }
    #expect(error?.description == "cannot read policy file \(missing): no such file")

    let broken = try files.write("broken.yaml", "queues: [default\n")
    options = try GlobalOptions.parse(["--policy", broken])
    do {
      _ = try options.loadPolicy()
      Issue.record("malformed YAML loaded")
    } catch {
      #expect(String(describing: error).hasPrefix("\(broken): YAML syntax error at line 2"))
    }
    var command = try RunwatchCommand.parseAsRoot(["policy", "validate", "--policy", broken])
    #expect(throws: ExitCode(1)) { try command.run() }
  }

  @Test func showParsesAndPrintsAFileThatLoadsBack() throws {
    let files = try TempFiles()
    let path = try files.write("policy.yaml", Self.validFile)
    var command = try RunwatchCommand.parseAsRoot(["policy", "show", "--policy", path])
    #expect(command is PolicyCommand.Show)
    try command.run()
    let options = try GlobalOptions.parse(["--policy", path])
    let policy = try options.loadPolicy()
    #expect(try LifecyclePolicy.load(yaml: policy.yamlText) == policy)
  }
}
