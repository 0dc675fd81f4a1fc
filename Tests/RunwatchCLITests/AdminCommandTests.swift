import Foundation
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchCLI

@Suite struct AdminCommandTests {
  @Test func workspaceAndTenantAddPrintIdsAloneOnStdout() throws {
    let cli = try CLIHarness()
    let workspaceOut = cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let tenantOut = cli.succeed(["tenant", "add", "--workspace", "acme", "--name", "Contoso"])
    #expect(tenantOut.count == 1)
    let tenantID = try #require(Int64(tenantOut[0]))
    let database = try cli.database()
    let workspace = try #require(try database.workspace(slug: "acme"))
    #expect(workspaceOut == [String(workspace.id)])
    #expect(try database.tenant(id: tenantID)?.workspaceID == workspace.id)
    #expect(try database.tenant(id: tenantID)?.name == "Contoso")
  }

  @Test func unknownWorkspaceTenantAndDuplicateSlugFailClearly() throws {
    let cli = try CLIHarness()
    let unknown = cli.run(["tenant", "add", "--workspace", "nope", "--name", "X"])
    #expect(unknown.exitCode != 0)
    #expect(unknown.errorMessage.contains("unknown workspace 'nope'"))
    #expect(unknown.stdout.isEmpty)
    let archive = cli.run(["tenant", "archive", "--id", "77"])
    #expect(archive.exitCode != 0)
    #expect(archive.errorMessage.contains("unknown tenant id 77"))
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let duplicate = cli.run(["workspace", "add", "--slug", "acme", "--name", "Again"])
    #expect(duplicate.errorMessage.contains("already exists"))
    #expect(cli.run(["workspace", "add", "--slug", "Bad Slug", "--name", "X"]).exitCode != 0)
  }

  @Test func tenantArchiveArchives() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let id = try #require(
      Int64(cli.succeed(["tenant", "add", "--workspace", "acme", "--name", "C"]).first ?? ""))
    cli.succeed(["tenant", "archive", "--id", String(id)])
    #expect(try cli.database().tenant(id: id)?.isArchived == true)
  }

  @Test func userAddReadsThePasswordFromStdinAndHashesIt() throws {
    let cli = try CLIHarness()
    let out = cli.succeed(
      ["user", "add", "--email", "Ana@Example.com", "--name", "Ana", "--password-stdin"],
      stdin: "s3cret pass\n")
    let database = try cli.database()
    let user = try #require(try database.user(email: "ana@example.com"))
    #expect(out == [String(user.id)])
    let identity = IdentityService(database: database, clock: SystemTimeSource())
    guard
      case .signedIn = try identity.signIn(email: "ana@example.com", password: "s3cret pass", address: "t")
    else {
      Issue.record("the stdin password (without its newline) should sign in")
      return
    }
    let stored = try database.pool.read {
      try $0.queryOne("SELECT password_hash FROM users")?.string("password_hash")
    }
    #expect(stored?.hasPrefix("$argon2id$") == true)
  }

  @Test func userAddRefusesAnEmptyPasswordOrAMissingFlag() throws {
    let cli = try CLIHarness()
    let empty = cli.run(
      ["user", "add", "--email", "a@example.com", "--name", "A", "--password-stdin"], stdin: "\n")
    #expect(empty.exitCode != 0)
    #expect(empty.errorMessage.contains("empty"))
    #expect(cli.run(["user", "add", "--email", "a@example.com", "--name", "A"]).exitCode != 0)
    #expect(try cli.database().user(email: "a@example.com") == nil)
  }

  @Test func grantAndRevokeChangeWhatTheUserCanOpen() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let tenant = try #require(cli.succeed(["tenant", "add", "--workspace", "acme", "--name", "C"]).first)
    cli.succeed(
      ["user", "add", "--email", "op@example.com", "--name", "Op", "--password-stdin"], stdin: "pw")
    cli.succeed([
      "user", "grant", "--email", "op@example.com", "--workspace", "acme", "--role", "operator",
      "--tenant", tenant,
    ])
    let database = try cli.database()
    let user = try #require(try database.user(email: "op@example.com"))
    let workspace = try #require(try database.workspace(slug: "acme"))
    let tenantID = try #require(Int64(tenant))
    var access = try #require(try database.principal(userID: user.id)?.access(in: workspace.id))
    #expect(access.role == .operator)
    #expect(access.tenants == .only([tenantID]))

    cli.succeed(["user", "revoke", "--email", "op@example.com", "--workspace", "acme", "--tenant", tenant])
    access = try #require(try database.principal(userID: user.id)?.access(in: workspace.id))
    #expect(access.tenants == .only([]))

    cli.succeed(["user", "revoke", "--email", "op@example.com", "--workspace", "acme"])
    #expect(try database.principal(userID: user.id)?.workspaces.isEmpty == true)
  }

  @Test func grantFailsClearlyForUnknownRoleUserWorkspaceAndForeignTenant() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    cli.succeed(["workspace", "add", "--slug", "globex", "--name", "Globex"])
    let foreign = try #require(cli.succeed(["tenant", "add", "--workspace", "globex", "--name", "G"]).first)
    cli.succeed(
      ["user", "add", "--email", "op@example.com", "--name", "Op", "--password-stdin"], stdin: "pw")
    let cases: [([String], String)] = [
      (["--email", "op@example.com", "--workspace", "acme", "--role", "admin"], "unknown role 'admin'"),
      (
        ["--email", "x@example.com", "--workspace", "acme", "--role", "owner"], "unknown user 'x@example.com'"
      ),
      (["--email", "op@example.com", "--workspace", "nope", "--role", "owner"], "unknown workspace 'nope'"),
      (
        ["--email", "op@example.com", "--workspace", "acme", "--role", "operator", "--tenant", foreign],
        "does not belong to workspace 'acme'"
      ),
      (
        ["--email", "op@example.com", "--workspace", "acme", "--role", "operator", "--tenant", "999"],
        "unknown tenant id 999"
      ),
    ]
    for (arguments, message) in cases {
      let outcome = cli.run(["user", "grant"] + arguments)
      #expect(outcome.exitCode != 0, "\(arguments)")
      #expect(outcome.errorMessage.contains(message), "\(outcome.errorMessage)")
    }
    let user = try #require(try cli.database().user(email: "op@example.com"))
    #expect(try cli.database().memberships(userID: user.id).isEmpty)
  }

  @Test func tokenCreatePrintsTheSecretOnceListNeverShowsItRevokeStopsIt() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let created = cli.succeed(["token", "create", "--workspace", "acme", "--name", "ci-worker"])
    #expect(created.count == 1)
    let secret = try #require(created.first)
    #expect(secret.hasPrefix("rwt_"))

    let clock = ManualTimeSource(Date())
    let identity = IdentityService(database: try cli.database(), clock: clock)
    let principal = try #require(try identity.principal(bearerToken: secret))
    let tokenID = try #require(principal.tokenID)

    let listed = cli.succeed(["token", "list", "--workspace", "acme"])
    #expect(listed.count == 1)
    let fields = listed[0].split(separator: "\t").map(String.init)
    #expect(fields.count == 6)
    #expect(fields[0] == String(tokenID))
    #expect(fields[1] == "ci-worker")
    #expect(fields[2] == "report")
    #expect(fields[4] != "-", "last used is recorded")
    #expect(fields[5] == "-")
    #expect(!listed.joined().contains(secret))

    cli.succeed(["token", "revoke", "--id", String(tokenID)])
    let freshServer = IdentityService(database: try cli.database(), clock: clock)
    #expect(try freshServer.principal(bearerToken: secret) == nil)
    // A server that authenticated the token a moment ago trusts its token cache for up to 2 s more.
    clock.advance(by: 2)
    #expect(try identity.principal(bearerToken: secret) == nil)
    #expect(cli.succeed(["token", "list", "--workspace", "acme"]).first?.split(separator: "\t").last != "-")
    let stored = Data(try TestStorage.storedBytes(of: try cli.database()))
    #expect(!stored.isEmpty)
    #expect(stored.range(of: Data(secret.utf8)) == nil)
  }

  @Test func aReadOnlyTokenIsListedAsSuchAndReadsButCannotReport() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let created = cli.run(["token", "create", "--workspace", "acme", "--name", "dashboard", "--read-only"])
    #expect(created.error == nil)
    #expect(created.stderr.joined().contains("Created read-only token dashboard"))
    let secret = try #require(created.stdout.first)
    let listed = cli.succeed(["token", "list", "--workspace", "acme"])
    #expect(listed.first?.split(separator: "\t").map(String.init)[2] == "read-only")
    let json = cli.succeed(["token", "list", "--workspace", "acme", "--json"]).joined()
    #expect(json.contains("\"read_only\":true") || json.contains("\"read_only\" : true"))

    let identity = IdentityService(database: try cli.database(), clock: ManualTimeSource(Date()))
    let principal = try #require(try identity.principal(bearerToken: secret))
    let access = try #require(principal.workspaces.values.first)
    #expect(access.has(.operationsView))
    #expect(!access.has(.runsReport))
  }

  @Test func tokenCommandsFailClearlyForUnknownWorkspaceOrId() throws {
    let cli = try CLIHarness()
    let create = cli.run(["token", "create", "--workspace", "nope", "--name", "x"])
    #expect(create.exitCode != 0)
    #expect(create.errorMessage.contains("unknown workspace 'nope'"))
    #expect(create.stdout.isEmpty)
    let revoke = cli.run(["token", "revoke", "--id", "5"])
    #expect(revoke.errorMessage.contains("unknown token id 5"))
  }
}
