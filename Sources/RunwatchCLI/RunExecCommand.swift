import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch run exec`: wraps a shell job in an operation run.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Work with operation runs from the command line.", subcommands: [Exec.self])

  /// Creates a run, starts it, runs the command with heartbeats and completes the run by exit status.
  struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a command as an operation run (progress: print `RUNWATCH progress name=N …` on stdout).",
      discussion: """
        Creates and starts the run, heartbeats while the command runs (every --heartbeat-interval seconds, and \
        at once when a progress line follows a quiet second), then completes it as succeeded (exit 0) \
        or failed (the last lines of stderr become the failure message). SIGINT and SIGTERM are forwarded to \
        the command; `run exec` exits with the command's status. With --server/--token it reports through the \
        worker API; otherwise straight to the database (--db). If the run may not start (HTTP 409: already \
        finished, tenant archived) the command is not run. If Runwatch cannot be reached at all, the command \
        runs anyway (--if-unreachable run, the default) or not at all (fail). The command's stdout is a \
        pseudo-terminal, so it is passed on line by line, and the command is killed if `run exec` dies.
        """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Operation type, e.g. policy.sync.") var type: String
    @Option(help: "Tenant id the run works on (leave out for a workspace-level run).") var tenant: Int64?
    @Option(help: "Workspace slug, for a run without --tenant reported to --db (the API uses the token's).")
    var workspace: String?
    @Option(
      help: ArgumentHelp(
        "When Runwatch cannot be reached: run the command anyway with a warning (run, the default) or do not run it (fail).",
        valueName: "run|fail"))
    var ifUnreachable: UnreachablePolicy = .run
    @Option(help: "E-mail of the user the run is for (gets the terminal notification).") var initiator:
      String?
    @Option(help: "Runwatch server base URL (report through the API instead of --db).") var server: String?
    @Option(help: "API token for --server (env RUNWATCH_TOKEN).") var token: String?
    @Option(
      name: [.customLong("heartbeat-interval"), .customLong("heartbeat-seconds")],
      help: ArgumentHelp(
        "Seconds between heartbeats (default: a third of the type's heartbeat window, else 30).",
        valueName: "seconds"))
    var heartbeatInterval: Double?
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command:
      [String] = []

    func validate() throws {
      guard !command.isEmpty else { throw ValidationError("give the command after --") }
      if let heartbeatInterval, !(0.1...86_400).contains(heartbeatInterval) {
        throw ValidationError("--heartbeat-interval must be between 0.1 and 86400 seconds")
      }
      if server != nil, resolvedToken == nil {
        throw ValidationError("--server needs --token (or RUNWATCH_TOKEN)")
      }
      if let server, URL(string: server)?.scheme?.hasPrefix("http") != true {
        throw ValidationError("--server must be an http:// or https:// URL")
      }
    }

    var resolvedToken: String? {
      token ?? ProcessInfo.processInfo.environment["RUNWATCH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() throws {
      let reporter: any RunReporter
      if let server, let url = URL(string: server), let token = resolvedToken {
        reporter = HTTPRunReporter(server: url, token: token)
      } else {
        do {
          reporter = LocalRunReporter(
            lifecycle: LifecycleService(database: try options.openDatabase(), clock: SystemTimeSource()),
            workspaceSlug: workspace)
        } catch  where RunwatchDatabase.isTransientFault(error) {
          // The database is down or out of reach: the same as a server that does not answer.
          reporter = UnreachableReporter(reason: "cannot open the database: \(error)")
        }
      }
      var executor = RunExecutor(
        reporter: reporter, type: type, tenantID: tenant, initiator: initiator, command: command,
        heartbeatInterval: heartbeatInterval, io: CommandIO.current)
      executor.ifUnreachable = ifUnreachable
      let status = try executor.run()
      if status != 0 { throw ExitCode(status) }
    }
  }
}
