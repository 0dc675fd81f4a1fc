import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchDemo
import RunwatchStore

/// `runwatch demo seed`: a realistic demo database.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo", abstract: "Demo data for trying Runwatch out.", subcommands: [Seed.self])

  /// Seeds a new database. Refuses one that already has data unless `--reset` deletes it first: demo data mixed
  /// into a real database would be a mess nobody can clean up.
  struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Create a demo database: two workspaces, demo users with known passwords, runs in every state.",
      discussion: """
        Runs up to 300 go through the lifecycle service and reconciler (audit events, notifications, late \
        reports); with more, the rest are bulk-inserted finished runs over 90 days plus 0.1 % active ones, \
        for scale checks (--runs 1000000). The same --seed gives the same data. Refuses a database that \
        already holds data unless --reset is given, which deletes the file and seeds a new one.
        """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Total number of runs (default 300).") var runs: Int = DemoSeedOptions.defaultRichRuns
    @Option(help: "Seed of the generator (same seed, same data).") var seed: UInt64 = 2026
    @Flag(help: "Delete the database file first if it exists.") var reset = false

    func validate() throws {
      guard runs <= 50_000_000 else { throw ValidationError("--runs must be at most 50000000") }
    }

    func run() throws {
      let location = options.databaseLocation
      let policy = try options.loadPolicy()
      let minimum = DemoSeeder.minimumRuns(policy: policy)
      guard runs >= minimum else {
        throw CLIError(DemoSeedError.tooFewRuns(requested: runs, minimum: minimum).description)
      }
      if reset {
        guard case .sqlite(let path) = location else {
          throw CLIError("--reset deletes a SQLite file; drop and recreate a PostgreSQL database yourself")
        }
        try Self.deleteDatabase(at: path)
      }
      let database = try RunwatchDatabase(location: location, policy: policy)
      guard try !DemoSeeder.hasData(database) else {
        throw CLIError(DemoSeedError.databaseNotEmpty(path: location.displayName).description)
      }
      let io = CommandIO.current
      let report = try DemoSeeder.seed(
        into: database,
        options: DemoSeedOptions(runs: runs, seed: seed, now: Date(), progress: { io.message($0) }))
      report.summaryLines.forEach(io.output)
      io.output("")
      io.output("Database: \(location.displayName)")
    }

    /// Deletes the database and its WAL and shared-memory files, but only if it is an SQLite file: a typo in
    /// --db must not delete someone's document.
    static func deleteDatabase(at path: String) throws {
      let manager = FileManager.default
      guard manager.fileExists(atPath: path) else { return }
      let header = FileHandle(forReadingAtPath: path).map { handle in
        defer { try? handle.close() }
        return handle.readData(ofLength: 16)
      }
      guard let header, header.isEmpty || header == Data("SQLite format 3\0".utf8) else {
        throw CLIError("\(path) is not an SQLite database; not deleting it")
      }
      for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: path + suffix) {
        try manager.removeItem(atPath: path + suffix)
      }
    }
  }
}
