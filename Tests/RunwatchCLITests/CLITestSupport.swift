import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore
import Synchronization
import TestStorage
import Testing

@testable import RunwatchCLI

/// A temp database and an in-process `runwatch` that captures stdout and stderr per invocation.
final class CLIHarness {
  let directory: URL
  /// The test's database (see `TestStorage`).
  let location: StorageLocation
  /// What `--db` is given: the SQLite file, or the PostgreSQL URI.
  let path: String

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    location = try TestStorage.freshLocation(in: directory)
    switch location {
    case .sqlite(let file): path = file
    case .postgres(let url): path = url
    }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// What one invocation printed, and the error it ended with (nil = exit 0).
  struct Outcome {
    var stdout: [String]
    var stderr: [String]
    var error: (any Error)?

    /// The exit code `runwatch` would end with.
    var exitCode: Int32 { error.map { RunwatchCommand.exitCode(for: $0).rawValue } ?? 0 }
    /// The error as the user would read it.
    var errorMessage: String { error.map { RunwatchCommand.message(for: $0) } ?? "" }
  }

  /// Parses `arguments` as `runwatch … --db <temp>` and runs it with `stdin` as standard input.
  func run(_ arguments: [String], stdin: String = "") -> Outcome {
    let out = Mutex<[String]>([])
    let err = Mutex<[String]>([])
    let io = CommandIO(
      output: { line in out.withLock { $0.append(line) } },
      message: { line in err.withLock { $0.append(line) } },
      readInput: { stdin })
    var failure: (any Error)?
    do {
      var command = try RunwatchCommand.parseAsRoot(arguments + ["--db", path])
      try CommandIO.$current.withValue(io) { try command.run() }
    } catch {
      failure = error
    }
    return Outcome(stdout: out.withLock { $0 }, stderr: err.withLock { $0 }, error: failure)
  }

  /// Runs and requires success; returns stdout.
  @discardableResult
  func succeed(_ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation)
    -> [String]
  {
    let outcome = run(arguments, stdin: stdin)
    #expect(outcome.error == nil, "\(arguments): \(outcome.errorMessage)", sourceLocation: sourceLocation)
    return outcome.stdout
  }

  /// Opens the database the commands wrote.
  func database() throws -> RunwatchDatabase { try RunwatchDatabase(location: location, policy: .builtIn) }
}
