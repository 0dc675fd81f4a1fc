import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch tenant add|archive|list`.
struct TenantCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tenant", abstract: "Manage tenants of a workspace.",
    subcommands: [Add.self, Archive.self, List.self])

  /// Lists a workspace's tenants: id, name, status.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List a workspace's tenants: id, name, status (tab-separated, header on stderr; or --json).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      var list = ListOutput(columns: ["id", "name", "status"])
      for tenant in try database.tenants(workspaceID: owner.id) {
        let status = tenant.isArchived ? "archived" : "active"
        list.add(
          cells: [String(tenant.id), tenant.name, status],
          object: [
            "id": .number(Double(tenant.id)), "workspace": .string(owner.slug), "name": .string(tenant.name),
            "status": .string(status),
          ])
      }
      list.print(json: json)
    }
  }

  /// Adds a tenant; prints its id alone on stdout (for scripts).
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a tenant (prints its id).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "Display name.") var name: String

    func validate() throws {
      guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("--name must not be empty")
      }
    }

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      let tenant = try database.addTenant(
        workspaceID: owner.id, name: name.trimmingCharacters(in: .whitespaces), at: Date())
      CommandIO.current.message("Added tenant \(tenant.name) to \(owner.slug).")
      CommandIO.current.output(String(tenant.id))
    }
  }

  /// Archives a tenant: its queued runs are told not to execute.
  struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Archive a tenant.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Tenant id.") var id: Int64

    func run() throws {
      let database = try options.openDatabase()
      guard try database.archiveTenant(id: id, at: Date()) else { throw IdentityError.unknownTenant(id: id) }
      CommandIO.current.message("Archived tenant \(id).")
    }
  }
}
