import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch webhook add|list|remove`: a workspace's outbound webhooks (what `/settings/webhooks` manages).
struct WebhookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "webhook", abstract: "Manage a workspace's outbound webhooks.",
    subcommands: [Add.self, List.self, Remove.self])

  /// Adds a webhook and prints its signing secret once, alone on stdout.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a webhook (prints its signing secret once; it is not shown again).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "The http:// or https:// URL deliveries are POSTed to.") var url: String
    @Option(
      name: .customLong("event"),
      help:
        "An event to send (repeatable): run.failed, run.reconciled, run.resolved_by_operator, run.terminal.")
    var events: [String] = [WebhookEvent.failed.rawValue]
    @Option(help: "Body format: runwatch (JSON) or slack ({\"text\": …}).") var format = "runwatch"
    @Option(help: "Signing secret (default: a new random one).") var secret: String?

    func validate() throws {
      if case .failure(let problem) = WebhookURL.validate(url) {
        throw ValidationError("--url: \(problem.description)")
      }
      if let unknown = events.first(where: { WebhookEvent(rawValue: $0) == nil }) {
        throw ValidationError(
          "--event must be one of \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")), got '\(unknown)'."
        )
      }
      if WebhookFormat(rawValue: format) == nil {
        throw ValidationError("--format must be runwatch or slack, got '\(format)'.")
      }
      if let secret, secret.isEmpty || secret.count > 200 || secret.contains(where: \.isWhitespace) {
        throw ValidationError("--secret must be 1 to 200 characters without spaces.")
      }
    }

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      guard case .success(let target) = WebhookURL.validate(url), let format = WebhookFormat(rawValue: format)
      else { throw CLIError("webhook add: invalid --url or --format") }
      let added = try database.addWebhook(
        workspaceID: owner.id, url: target.absoluteString, secret: secret,
        events: WebhookEvents(events.compactMap(WebhookEvent.init(rawValue:))), format: format, at: Date())
      let webhook = added.webhook
      CommandIO.current.message(
        "Added webhook \(webhook.id) for \(owner.slug): \(webhook.events.events.map(\.rawValue).joined(separator: ", ")) as \(webhook.format.rawValue). Store its secret now: it is not shown again."
      )
      CommandIO.current.output(added.secret)
    }
  }

  /// Lists a workspace's webhooks, one tab-separated line each: id, url, events, format, created.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "List webhooks: id, url, events, format, created (tab-separated, header on stderr; or --json; never the secret)."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      var list = ListOutput(columns: ["id", "url", "events", "format", "created"])
      for webhook in try database.webhooks(workspaceID: owner.id) {
        let events = webhook.events.events.map(\.rawValue)
        list.add(
          cells: [
            String(webhook.id), webhook.url, events.joined(separator: ","), webhook.format.rawValue,
            ListOutput.timestamp(webhook.createdAt),
          ],
          object: [
            "id": .number(Double(webhook.id)), "url": .string(webhook.url),
            "events": .array(events.map { .string($0) }),
            "format": .string(webhook.format.rawValue),
            "created_at": .string(RFC3339.string(from: webhook.createdAt)),
          ])
      }
      list.print(json: json)
    }
  }

  /// Removes a webhook and its deliveries (pending ones are not sent).
  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove a webhook by id (its pending deliveries are dropped).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Workspace slug.") var workspace: String
    @Option(help: "Webhook id (see webhook list).") var id: Int64

    func run() throws {
      let database = try options.openDatabase()
      let owner = try database.requireWorkspace(slug: workspace)
      guard try database.removeWebhook(id: id, workspaceID: owner.id) else {
        throw CLIError("webhook remove: no webhook \(id) in workspace \(owner.slug)")
      }
      CommandIO.current.message("Removed webhook \(id).")
    }
  }
}
