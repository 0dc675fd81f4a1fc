import ArgumentParser
import Foundation
import RunwatchStore

/// `runwatch token create|list|revoke`: workspace-scoped worker API tokens.
struct TokenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "token", abstract: "Manage worker API tokens.",
    subcommands: [Create.self, List.self, Revoke.self])

  /// Creates a token and prints its secret once, alone on stdout. Only its hash is stored.
  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a token (prints the secret once; it cannot be shown again).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "Token name (for example ci-worker).") var name: String

    func run() throws {
      let identity = try options.openIdentity()
      let owner = try identity.database.requireWorkspace(slug: workspace)
      let issued = try identity.createAPIToken(workspaceID: owner.id, name: name)
      CommandIO.current.message(
        "Created token \(issued.token.name) (id \(issued.token.id)) for \(owner.slug). Store it now: it is not shown again."
      )
      CommandIO.current.output(issued.secret)
    }
  }

  /// Lists a workspace's tokens, one tab-separated line each: id, name, created, last used, revoked.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List tokens: id, name, created, last used, revoked (tab-separated; never the secret).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      let tokens = try database.apiTokens(workspaceID: owner.id)
      CommandIO.current.message("id\tname\tcreated\tlast_used\trevoked")
      for token in tokens {
        let fields = [
          String(token.id), token.name, Self.timestamp(token.createdAt),
          token.lastUsedAt.map(Self.timestamp) ?? "-", token.revokedAt.map(Self.timestamp) ?? "-",
        ]
        CommandIO.current.output(fields.joined(separator: "\t"))
      }
    }

    static func timestamp(_ date: Date) -> String {
      date.formatted(.iso8601)
    }
  }

  /// Revokes a token: it stops authenticating within 2 s (a running server trusts a token that just
  /// authenticated for up to that long; see `APITokenCache`).
  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Token id (see token list).") var id: Int64

    func run() throws {
      try options.openIdentity().revokeAPIToken(id: id)
      CommandIO.current.message("Revoked token \(id).")
    }
  }
}
