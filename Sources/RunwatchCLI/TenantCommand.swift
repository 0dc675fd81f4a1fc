import ArgumentParser
import Foundation
import RunwatchStore

/// `runwatch tenant add|archive`.
struct TenantCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tenant", abstract: "Manage tenants of a workspace.", subcommands: [Add.self, Archive.self])

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
