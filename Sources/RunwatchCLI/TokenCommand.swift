import ArgumentParser
import Foundation
import RunwatchCore
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
    @Flag(
      help:
        "Let the token list and read runs only: every report (create, start, heartbeat, complete, queue failure) gets 403."
    )
    var readOnly = false

    func run() throws {
      let identity = try options.openIdentity()
      let owner = try identity.database.requireWorkspace(slug: workspace)
      let issued = try identity.createAPIToken(workspaceID: owner.id, name: name, readOnly: readOnly)
      CommandIO.current.message(
        "Created \(readOnly ? "read-only " : "")token \(issued.token.name) (id \(issued.token.id)) for \(owner.slug). Store it now: it is not shown again."
      )
      CommandIO.current.output(issued.secret)
    }
  }

  /// Lists a workspace's tokens, one tab-separated line each: id, name, access (`report` or `read-only`),
  /// created, last used, revoked.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List tokens: id, name, access, created, last used, revoked (tab-separated, header on stderr; or --json; never the secret)."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      var list = ListOutput(columns: ["id", "name", "access", "created", "last_used", "revoked"])
      for token in try database.apiTokens(workspaceID: owner.id) {
        list.add(
          cells: [
            String(token.id), token.name, token.isReadOnly ? "read-only" : "report",
            ListOutput.timestamp(token.createdAt),
            ListOutput.timestamp(token.lastUsedAt), ListOutput.timestamp(token.revokedAt),
          ],
          object: [
            "id": .number(Double(token.id)), "name": .string(token.name),
            "read_only": .bool(token.isReadOnly),
            "created_at": .string(RFC3339.string(from: token.createdAt)),
            "last_used_at": token.lastUsedAt.map { .string(RFC3339.string(from: $0)) } ?? .null,
            "revoked_at": token.revokedAt.map { .string(RFC3339.string(from: $0)) } ?? .null,
          ])
      }
      list.print(json: json)
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
