import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// Options every command shares: where the database and the policy file are.
public struct GlobalOptions: ParsableArguments {
  /// Database file (default `$RUNWATCH_DB` or `runwatch.sqlite`).
  @Option(name: .long, help: "SQLite database file (env RUNWATCH_DB; default runwatch.sqlite).")
  public var db: String?

  /// Policy file (default `$RUNWATCH_POLICY` or the built-in policy).
  @Option(name: .long, help: "Lifecycle policy YAML file (env RUNWATCH_POLICY; default: built-in policy).")
  public var policy: String?

  /// Creates default options.
  public init() {}

  /// The database path in force.
  public var databasePath: String {
    db ?? ProcessInfo.processInfo.environment["RUNWATCH_DB"] ?? "runwatch.sqlite"
  }

  /// The policy file path in force, if any.
  public var policyPath: String? {
    policy ?? ProcessInfo.processInfo.environment["RUNWATCH_POLICY"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Loads and validates the policy in force; throws a readable error listing every violation.
  public func loadPolicy() throws -> LifecyclePolicy {
    guard let path = policyPath else { return .builtIn }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
    else { throw CLIError("cannot read policy file \(path)") }
    return try LifecyclePolicy.load(yaml: text)
  }

  /// Opens the database (migrating it) with the policy in force.
  public func openDatabase() throws -> RunwatchDatabase {
    try RunwatchDatabase(path: databasePath, policy: loadPolicy())
  }
}

/// A failure to report to the user on stderr with exit code 1.
public struct CLIError: Error, CustomStringConvertible {
  /// What went wrong, in one or more lines.
  public let description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
