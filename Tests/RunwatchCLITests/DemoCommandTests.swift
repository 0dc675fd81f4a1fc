import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchCLI
@testable import RunwatchDemo

@Suite("runwatch demo seed")
struct DemoCommandTests {
  @Test("seeds, prints counts per state and the credentials, then refuses to seed again without --reset")
  func seedThenRefuseThenReset() throws {
    let cli = try CLIHarness()
    let minimum = String(DemoSeeder.minimumRuns(policy: .builtIn))
    let output = cli.succeed(["demo", "seed", "--runs", minimum, "--seed", "3"]).joined(separator: "\n")
    for state in Freshness.allCases { #expect(output.contains(state.rawValue)) }
    for credential in DemoCatalog.credentials {
      #expect(output.contains(credential.email) && output.contains(credential.password))
    }
    #expect(output.contains("Seeded \(minimum) runs"))
    let database = try cli.database()
    #expect(try database.pool.read { try $0.scalar("SELECT COUNT(*) FROM operation_runs") } == Int64(minimum))

    let again = cli.run(["demo", "seed"])
    #expect(again.exitCode == 1)
    #expect(again.errorMessage.contains("already holds data") && again.errorMessage.contains("--reset"))

    if TestStorage.isPostgres {
      // --reset deletes a file; a PostgreSQL database is the operator's to drop.
      let reset = cli.run(["demo", "seed", "--runs", "60", "--reset"])
      #expect(reset.exitCode == 1 && reset.errorMessage.contains("--reset deletes a SQLite file"))
      return
    }
    cli.succeed(["demo", "seed", "--runs", "60", "--reset"])
    #expect(try cli.database().pool.read { try $0.scalar("SELECT COUNT(*) FROM operation_runs") } == 60)
  }

  @Test("too few runs is a clear error and writes nothing")
  func tooFewRuns() throws {
    let cli = try CLIHarness()
    let outcome = cli.run(["demo", "seed", "--runs", "5"])
    #expect(outcome.exitCode != 0)
    #expect(outcome.errorMessage.contains("too few"))
    if TestStorage.isPostgres {
      let connection = try TestStorage.connect(cli.location)
      #expect(try connection.queryOne("SELECT 1 WHERE to_regclass('operation_runs') IS NOT NULL", []) == nil)
    } else {
      #expect(!FileManager.default.fileExists(atPath: cli.path))
    }
  }

  @Test(
    "--reset refuses to delete a file that is not an SQLite database",
    .enabled(if: TestStorage.isSQLite, "a file on disk"))
  func resetKeepsForeignFiles() throws {
    let cli = try CLIHarness()
    try Data("my notes".utf8).write(to: URL(fileURLWithPath: cli.path))
    let outcome = cli.run(["demo", "seed", "--reset"])
    #expect(outcome.exitCode == 1)
    #expect(outcome.errorMessage.contains("not an SQLite database"))
    #expect(try String(contentsOfFile: cli.path, encoding: .utf8) == "my notes")
  }
}

/// A database seeded under the demo policy (what `serve --demo` and `make demo` do) keeps it: commands run
/// on it without `--policy` use the demo policy, never silently the built-in one.
@Suite struct DemoPolicyMemoryTests {
  @Test func reconcileOnADemoDatabaseUsesTheDemoPolicyUnlessTold() throws {
    let cli = try CLIHarness()
    let database = try RunwatchDatabase(location: cli.location, policy: .demo)
    _ = try DemoSeeder.seed(
      into: database,
      options: DemoSeedOptions(
        runs: DemoSeeder.minimumRuns(policy: .demo), seed: 7, passwordCost: .minimum))
    #expect(try RunwatchDatabase.remembersDemoPolicy(at: cli.location))

    // The demo policy never fails a restore automatically; the built-in one would propose it.
    let demo = try ReconcileCommand.parse(["--db", cli.path, "--dry-run", "--json", "--limit", "500"])
      .output()
    #expect(demo.contains("\"candidates\""), "\(demo)")
    #expect(!demo.contains("\"restore.execute\""), "\(demo)")
    let builtInFile = cli.directory.appendingPathComponent("builtin.yaml").path
    try LifecyclePolicy.builtIn.yamlText.write(toFile: builtInFile, atomically: true, encoding: .utf8)
    let told = try ReconcileCommand.parse([
      "--db", cli.path, "--dry-run", "--json", "--limit", "500", "--policy", builtInFile,
    ]).output()
    #expect(told.contains("\"restore.execute\""), "an explicit --policy is used as given: \(told)")
  }

  @Test func anOrdinaryOrMissingDatabaseIsNotADemo() throws {
    let cli = try CLIHarness()
    #expect(try !RunwatchDatabase.remembersDemoPolicy(at: cli.location))
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    #expect(try !RunwatchDatabase.remembersDemoPolicy(at: cli.location))
  }
}
