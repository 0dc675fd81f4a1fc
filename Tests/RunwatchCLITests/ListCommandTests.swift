import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchCLI

/// `workspace list`, `tenant list`, `user list`, `token list --json` and `--version`: finding things from the
/// command line, as a table for people and scripts (items on stdout, the header on stderr) or as JSON.
@Suite struct ListCommandTests {
  /// Two workspaces, an active and an archived tenant, an owner and a tenant-scoped operator.
  private func populated() throws -> CLIHarness {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "globex", "--name", "Globex IT"])
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme\tOps"])
    let contoso = cli.succeed(["tenant", "add", "--workspace", "acme", "--name", "Contoso"])[0]
    let fabrikam = cli.succeed(["tenant", "add", "--workspace", "acme", "--name", "Fabrikam"])[0]
    cli.succeed(["tenant", "archive", "--id", fabrikam])
    for (email, name) in [("bob@example.com", "Bob"), ("ana@example.com", "Ana")] {
      cli.succeed(
        ["user", "add", "--email", email, "--name", name, "--password-stdin"], stdin: "a long password")
    }
    cli.succeed(["user", "grant", "--email", "bob@example.com", "--workspace", "acme", "--role", "owner"])
    cli.succeed([
      "user", "grant", "--email", "bob@example.com", "--workspace", "globex", "--role", "readonly",
    ])
    cli.succeed([
      "user", "grant", "--email", "ana@example.com", "--workspace", "acme", "--role", "operator", "--tenant",
      contoso,
    ])
    return cli
  }

  @Test func workspacesAndTenantsListAsTabSeparatedLinesUnderAHeaderOnStderr() throws {
    let cli = try populated()
    let workspaces = cli.run(["workspace", "list"])
    #expect(workspaces.stderr == ["id\tslug\tname"])
    let ids = try cli.database().workspaces().map(\.id)
    // By slug; the tab typed into a name cannot split the line.
    #expect(workspaces.stdout == ["\(ids[0])\tacme\tAcme Ops", "\(ids[1])\tglobex\tGlobex IT"])
    let tenants = cli.run(["tenant", "list", "--workspace", "acme"])
    #expect(tenants.stderr == ["id\tname\tstatus"])
    #expect(
      tenants.stdout.map { $0.split(separator: "\t").dropFirst().joined(separator: "|") } == [
        "Contoso|active", "Fabrikam|archived",
      ])
    #expect(cli.succeed(["tenant", "list", "--workspace", "globex"]).isEmpty)
    let unknown = cli.run(["tenant", "list", "--workspace", "nope"])
    #expect(unknown.exitCode != 0)
    #expect(unknown.errorMessage.contains("unknown workspace 'nope'"))
  }

  @Test func usersListWithTheirRolesAndTenantGrantsAndFilterByWorkspace() throws {
    let cli = try populated()
    let database = try cli.database()
    let contoso = try #require(
      try database.workspace(slug: "acme").map { try database.tenants(workspaceID: $0.id) }
    )
    .first { $0.name == "Contoso" }
    let all = cli.succeed(["user", "list"]).map { $0.split(separator: "\t").dropFirst().map(String.init) }
    #expect(
      all == [
        ["ana@example.com", "Ana", "acme:operator[\(contoso?.id ?? 0)]"],
        ["bob@example.com", "Bob", "acme:owner globex:readonly"],
      ])
    let globex = cli.succeed(["user", "list", "--workspace", "globex"])
    #expect(globex.count == 1 && globex[0].hasSuffix("\tbob@example.com\tBob\tglobex:readonly"))
  }

  @Test func jsonListsAreArraysOfObjects() throws {
    let cli = try populated()
    cli.succeed(["token", "create", "--workspace", "acme", "--name", "ci"])
    func parsed(_ arguments: [String]) throws -> [JSONValue] {
      let text = cli.succeed(arguments + ["--json"]).joined(separator: "\n")
      guard case .array(let items) = try #require(JSONValue(jsonText: text)) else {
        Issue.record("not an array: \(text)")
        return []
      }
      return items
    }
    #expect(try parsed(["workspace", "list"]).map { $0["slug"]?.stringValue } == ["acme", "globex"])
    let tenants = try parsed(["tenant", "list", "--workspace", "acme"])
    #expect(tenants.map { $0["status"]?.stringValue } == ["active", "archived"])
    #expect(tenants.allSatisfy { $0["workspace"]?.stringValue == "acme" })
    let users = try parsed(["user", "list"])
    #expect(users.map { $0["email"]?.stringValue } == ["ana@example.com", "bob@example.com"])
    guard case .array(let anas)? = users[0]["memberships"] else {
      Issue.record("no memberships array: \(users[0])")
      return
    }
    #expect(anas.map { $0["role"]?.stringValue } == ["operator"])
    #expect(users[1]["has_password"] == .bool(true))
    let tokens = try parsed(["token", "list", "--workspace", "acme"])
    #expect(tokens.count == 1 && tokens[0]["name"]?.stringValue == "ci")
    #expect(tokens[0]["revoked_at"] == .null)
  }

  @Test func versionPrintsTheReleaseThisBuildLeadsTo() {
    var message = ""
    do {
      _ = try RunwatchCommand.parseAsRoot(["--version"])
    } catch {
      message = RunwatchCommand.fullMessage(for: error)
    }
    #expect(message == RunwatchVersion.current)
    #expect(message.hasPrefix("runwatch "))
  }
}
