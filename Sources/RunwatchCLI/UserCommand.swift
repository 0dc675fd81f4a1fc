import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch user add|grant|revoke`.
struct UserCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "user", abstract: "Manage users and their workspace roles.",
    subcommands: [Add.self, Grant.self, Revoke.self, List.self])

  /// Lists users with their memberships: id, e-mail, name, and `slug:role` per workspace (tenant grants in
  /// brackets for roles scoped by tenant).
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List users: id, email, name, memberships as slug:role[tenant ids] (tab-separated, header on stderr; or --json)."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only members of this workspace (slug).") var workspace: String?
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() throws {
      let database = try options.openDatabase()
      let only = try workspace.map { try database.requireWorkspace(slug: $0) }
      let slugs = Dictionary(uniqueKeysWithValues: try database.workspaces().map { ($0.id, $0.slug) })
      var list = ListOutput(columns: ["id", "email", "name", "memberships"])
      for (user, memberships) in try database.usersWithMemberships(workspaceID: only?.id) {
        let shown = memberships.filter { only == nil || $0.workspaceID == only?.id }
          .sorted { (slugs[$0.workspaceID] ?? "") < (slugs[$1.workspaceID] ?? "") }
        let cells = shown.map { membership in
          let slug = slugs[membership.workspaceID] ?? "#\(membership.workspaceID)"
          let tenants = membership.grantedTenantIDs.sorted()
          let scope = tenants.isEmpty ? "" : "[" + tenants.map(String.init).joined(separator: ",") + "]"
          return "\(slug):\(membership.role.rawValue)\(scope)"
        }
        let objects: [JSONValue] = shown.map { membership in
          .object([
            "workspace": .string(slugs[membership.workspaceID] ?? "#\(membership.workspaceID)"),
            "role": .string(membership.role.rawValue),
            "tenants": .array(membership.grantedTenantIDs.sorted().map { .number(Double($0)) }),
          ])
        }
        list.add(
          cells: [
            String(user.id), user.email, user.name, cells.isEmpty ? "-" : cells.joined(separator: " "),
          ],
          object: [
            "id": .number(Double(user.id)), "email": .string(user.email), "name": .string(user.name),
            "has_password": .bool(user.hasPassword), "memberships": .array(objects),
          ])
      }
      list.print(json: json)
    }
  }

  /// Adds a user whose password arrives on stdin (never on the command line, where `ps` and shell history
  /// would keep it).
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a user (prints the user id).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Sign-in e-mail.") var email: String
    @Option(help: "Display name.") var name: String
    @Flag(help: "Read the password from standard input (required).") var passwordStdin = false

    func validate() throws {
      guard passwordStdin else { throw ValidationError("pass --password-stdin and the password on stdin") }
    }

    func run() throws {
      let password = Self.password(fromInput: CommandIO.current.readInput() ?? "")
      guard !password.isEmpty else { throw CLIError("the password on stdin is empty") }
      let user = try options.openIdentity().addUser(email: email, name: name, password: password)
      CommandIO.current.message("Added user \(user.email).")
      CommandIO.current.output(String(user.id))
    }

    /// The password: stdin minus one trailing line break (`echo secret |` adds one).
    static func password(fromInput input: String) -> String {
      if input.hasSuffix("\r\n") { return String(input.dropLast(2)) }
      if input.hasSuffix("\n") { return String(input.dropLast()) }
      return input
    }
  }

  /// Gives a user a role in a workspace, and entitlements to tenants.
  struct Grant: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Make a user a member of a workspace with a role; --tenant entitles operator/readonly members.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "User e-mail.") var email: String
    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "Role: owner, manager, operator or readonly.") var role: String
    @Option(name: .customLong("tenant"), help: "Tenant id to entitle (repeatable).") var tenants: [Int64] = []

    func run() throws {
      guard let role = Role(rawValue: role) else { throw IdentityError.unknownRole(self.role) }
      let database = try options.openDatabase()
      let user = try database.requireUser(email: email)
      let owner = try database.requireWorkspace(slug: workspace)
      try database.grant(userID: user.id, workspaceID: owner.id, role: role, tenantIDs: tenants, at: Date())
      CommandIO.current.message("Granted \(role.rawValue) in \(owner.slug) to \(user.email).")
      if CapabilityRegistry.isEntitledToAllTenants(role) {
        if !tenants.isEmpty {
          CommandIO.current.message("Note: \(role.rawValue) reaches every tenant; --tenant adds nothing now.")
        }
      } else if tenants.isEmpty,
        try database.memberships(userID: user.id)
          .first(where: { $0.workspaceID == owner.id })?.grantedTenantIDs.isEmpty ?? true
      {
        CommandIO.current.message(
          "Note: \(role.rawValue) sees only granted tenants; grant some with --tenant ID.")
      }
    }
  }

  /// Takes tenants away from a member, or removes the membership.
  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Revoke tenant entitlements (--tenant) or, without --tenant, the whole membership.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "User e-mail.") var email: String
    @Option(help: "Workspace slug.") var workspace: String
    @Option(name: .customLong("tenant"), help: "Tenant id to revoke (repeatable).") var tenants: [Int64] = []

    func run() throws {
      let database = try options.openDatabase()
      let user = try database.requireUser(email: email)
      let owner = try database.requireWorkspace(slug: workspace)
      try database.revoke(userID: user.id, workspaceID: owner.id, tenantIDs: tenants)
      if tenants.isEmpty {
        CommandIO.current.message("Removed \(user.email) from \(owner.slug).")
      } else {
        CommandIO.current.message("Revoked \(tenants.count) tenant(s) in \(owner.slug) from \(user.email).")
      }
    }
  }
}
