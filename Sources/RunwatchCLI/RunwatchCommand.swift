import ArgumentParser

/// The `runwatch` command: keeps background operation runs honest and shows them to operators.
public struct RunwatchCommand: ParsableCommand {
  /// Command metadata and subcommands.
  public static let configuration = CommandConfiguration(
    commandName: "runwatch",
    abstract: "Keeps background operation runs honest and shows them to operators.",
    version: RunwatchVersion.current,
    subcommands: [
      MigrateCommand.self,
      PolicyCommand.self,
      WorkspaceCommand.self,
      TenantCommand.self,
      UserCommand.self,
      TokenCommand.self,
      WebhookCommand.self,
      ReconcileCommand.self,
      ServeCommand.self,
      DemoCommand.self,
      RunCommand.self,
    ])

  /// Creates the command.
  public init() {}
}

/// The version `runwatch --version` prints. Raised with every release; a build from a checkout says so.
public enum RunwatchVersion {
  /// `runwatch 0.5.0-dev`: the release this checkout leads to.
  public static let current = "runwatch 0.5.0-dev"
}
