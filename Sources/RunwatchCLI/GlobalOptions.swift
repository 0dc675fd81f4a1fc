import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// Options every command shares: where the database and the policy file are.
public struct GlobalOptions: ParsableArguments {
  /// Database: a SQLite file or a PostgreSQL URI (default `$RUNWATCH_DB` or `runwatch.sqlite`).
  @Option(
    name: .long,
    help: """
      SQLite database file, or a postgres:// or postgresql:// URI for a PostgreSQL database that several \
      instances share (env RUNWATCH_DB; default runwatch.sqlite).
      """)
  public var db: String?

  /// Policy file (default `$RUNWATCH_POLICY` or the built-in policy).
  @Option(name: .long, help: "Lifecycle policy YAML file (env RUNWATCH_POLICY; default: built-in policy).")
  public var policy: String?

  /// Creates default options.
  public init() {}

  /// The database in force, as given (a file path or a PostgreSQL URI).
  public var databasePath: String {
    db ?? ProcessInfo.processInfo.environment["RUNWATCH_DB"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "runwatch.sqlite"
  }

  /// Where the database in force lives.
  public var databaseLocation: StorageLocation { StorageLocation(databasePath) }

  /// The policy file path in force, if any.
  public var policyPath: String? {
    policy ?? ProcessInfo.processInfo.environment["RUNWATCH_POLICY"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Loads and validates the policy in force. Throws `LifecyclePolicyError.invalid` (one violation per line)
  /// for a policy that breaks the rules, and a `CLIError` naming the file for an unreadable file or a YAML
  /// syntax error.
  public func loadPolicy() throws -> LifecyclePolicy {
    guard let path = policyPath else {
      try LifecyclePolicy.builtIn.validate()
      return .builtIn
    }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: path)
        ? "it is not readable UTF-8 text" : "no such file"
      throw CLIError("cannot read policy file \(path): \(reason)")
    }
    do {
      return try LifecyclePolicy.load(yaml: text)
    } catch .syntax(let line, let column, let problem) {
      throw CLIError("\(path): \(LifecyclePolicyError.syntax(line: line, column: column, problem: problem))")
    }
  }

  /// The policy to open the database in force with: `--policy` / `RUNWATCH_POLICY` when given; otherwise the
  /// demo policy for a database seeded under it (`serve --demo`, `make demo`), so a command never silently
  /// recomputes a demo's deadlines under the built-in policy; otherwise the built-in policy.
  public func policyForDatabase() throws -> LifecyclePolicy {
    if policyPath == nil, try RunwatchDatabase.remembersDemoPolicy(at: databaseLocation) { return .demo }
    return try loadPolicy()
  }

  /// Opens the database (migrating it) with the policy in force for it (`policyForDatabase`).
  public func openDatabase() throws -> RunwatchDatabase {
    try RunwatchDatabase(location: databaseLocation, policy: policyForDatabase())
  }
}

/// A failure to report to the user on stderr with exit code 1.
public struct CLIError: Error, CustomStringConvertible {
  /// What went wrong, in one or more lines.
  public let description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}
