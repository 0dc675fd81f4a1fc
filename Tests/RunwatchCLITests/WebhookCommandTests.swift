import Foundation
import RunwatchCore
import RunwatchStore
import Testing

@testable import RunwatchCLI

/// `runwatch webhook add|list|remove` (#17): the secret printed once, the list never shows it, bad input is a
/// clear error before anything is stored, and removal is scoped to the workspace.
@Suite struct WebhookCommandTests {
  @Test func addPrintsTheSecretOnceListNeverShowsItRemoveDropsIt() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    cli.succeed(["workspace", "add", "--slug", "globex", "--name", "Globex"])
    let added = cli.succeed([
      "webhook", "add", "--workspace", "acme", "--url", "https://hooks.example.com/a", "--event",
      "run.failed",
      "--event", "run.reconciled", "--format", "slack",
    ])
    let secret = try #require(added.first)
    #expect(added.count == 1 && secret.hasPrefix("whsec_"))
    #expect(
      cli.succeed(["webhook", "add", "--workspace", "acme", "--url", "http://x.example/", "--secret", "k1"])
        == ["k1"])

    let listed = cli.succeed(["webhook", "list", "--workspace", "acme"])
    #expect(listed.count == 2)
    let fields = listed[0].split(separator: "\t").map(String.init)
    #expect(
      Array(fields.prefix(4)) == ["1", "https://hooks.example.com/a", "run.reconciled,run.failed", "slack"])
    #expect(listed[1].contains("run.failed\trunwatch"))
    #expect(!listed.joined().contains(secret))

    let refused = cli.run(["webhook", "remove", "--workspace", "globex", "--id", "1"])
    #expect(refused.exitCode != 0 && refused.errorMessage.contains("no webhook 1"))
    cli.succeed(["webhook", "remove", "--workspace", "acme", "--id", "1"])
    #expect(cli.succeed(["webhook", "list", "--workspace", "acme"]).count == 1)
  }

  @Test func badInputIsRefusedBeforeAnythingIsStored() throws {
    let cli = try CLIHarness()
    cli.succeed(["workspace", "add", "--slug", "acme", "--name", "Acme"])
    let cases: [([String], String)] = [
      (["--url", "ftp://x.example/"], "must start with http:// or https://"),
      (["--url", "https:///path"], "must name a host"),
      (["--url", "https://a.example/", "--event", "run.started"], "--event must be one of"),
      (["--url", "https://a.example/", "--format", "xml"], "--format must be runwatch or slack"),
      (["--url", "https://a.example/", "--secret", "has space"], "--secret must be"),
    ]
    for (arguments, message) in cases {
      let outcome = cli.run(["webhook", "add", "--workspace", "acme"] + arguments)
      #expect(outcome.exitCode != 0, "\(arguments)")
      #expect(outcome.errorMessage.contains(message), "\(outcome.errorMessage)")
    }
    #expect(cli.succeed(["webhook", "list", "--workspace", "acme"]).isEmpty)
    let serve = cli.run(["serve", "--webhook-max-backoff-seconds", "0", "--port", "0"])
    #expect(serve.exitCode != 0 && serve.errorMessage.contains("--webhook-max-backoff-seconds"))
  }
}
