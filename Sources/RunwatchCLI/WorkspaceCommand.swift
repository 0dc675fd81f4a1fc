import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch workspace add|list`.
struct WorkspaceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workspace", abstract: "Manage workspaces.", subcommands: [Add.self, List.self])

  /// Lists every workspace: id, slug, name.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List workspaces: id, slug, name (tab-separated, header on stderr; or --json).")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() throws {
      var list = ListOutput(columns: ["id", "slug", "name"])
      for workspace in try options.openDatabase().workspaces() {
        list.add(
          cells: [String(workspace.id), workspace.slug, workspace.name],
          object: [
            "id": .number(Double(workspace.id)), "slug": .string(workspace.slug),
            "name": .string(workspace.name),
          ])
      }
      list.print(json: json)
    }
  }

  /// Adds a workspace; prints its id on stdout.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a workspace (prints its id).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "URL-safe identifier: lower-case letters, digits and '-'.") var slug: String
    @Option(help: "Display name.") var name: String

    func validate() throws {
      let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
      guard (1...63).contains(slug.count), slug.allSatisfy(allowed.contains), !slug.hasPrefix("-") else {
        throw ValidationError("--slug must be 1–63 lower-case letters, digits or '-', not starting with '-'")
      }
      guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("--name must not be empty")
      }
    }

    func run() throws {
      let database = try options.openDatabase()
      guard try database.workspace(slug: slug) == nil else { throw IdentityError.slugTaken(slug) }
      let workspace = try database.addWorkspace(
        slug: slug, name: name.trimmingCharacters(in: .whitespaces), at: Date())
      CommandIO.current.message("Added workspace \(workspace.slug) (id \(workspace.id)).")
      CommandIO.current.output(String(workspace.id))
    }
  }
}
