import ArgumentParser
import RunwatchStore

/// `runwatch migrate`: applies pending schema migrations.
struct MigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate", abstract: "Create or upgrade the database schema.")

  @OptionGroup var options: GlobalOptions

  func run() throws {
    let applied = try RunwatchDatabase.migrate(options.databaseLocation)
    if applied.isEmpty {
      printError("Database \(options.databaseLocation.displayName) is up to date.")
    } else {
      for name in applied { printError("Applied migration \(name)") }
    }
  }
}
