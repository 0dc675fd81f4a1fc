import ArgumentParser

/// The `runwatch` command.
public struct RunwatchCommand: ParsableCommand {
  /// Command metadata.
  public static let configuration = CommandConfiguration(commandName: "runwatch")
  /// Creates the command.
  public init() {}
}
