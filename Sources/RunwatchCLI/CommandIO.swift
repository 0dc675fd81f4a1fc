import Foundation
import RunwatchCore
import RunwatchStore

/// Where admin commands write machine output, write human messages and read secrets from. Defaults to
/// stdout/stderr/stdin; tests bind their own with `CommandIO.$current.withValue(…)`, which is task-local and so
/// safe while other tests run in parallel (redirecting file descriptors would not be).
public struct CommandIO: Sendable {
  /// Writes one line of machine-readable output (stdout).
  public var output: @Sendable (String) -> Void
  /// Writes one line of human message (stderr).
  public var message: @Sendable (String) -> Void
  /// Reads all of standard input (nil when unreadable).
  public var readInput: @Sendable () -> String?

  /// Creates an IO binding.
  public init(
    output: @escaping @Sendable (String) -> Void, message: @escaping @Sendable (String) -> Void,
    readInput: @escaping @Sendable () -> String?
  ) {
    self.output = output
    self.message = message
    self.readInput = readInput
  }

  /// The process's stdout, stderr and stdin.
  public static let standard = CommandIO(
    output: { line in print(line) },
    message: { line in printError(line) },
    readInput: { String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) })

  /// The binding in force for the current task.
  @TaskLocal public static var current: CommandIO = .standard
}

extension GlobalOptions {
  /// The identity service over the database in force, on the wall clock.
  func openIdentity() throws -> IdentityService {
    IdentityService(database: try openDatabase(), clock: SystemTimeSource())
  }
}

extension RunwatchDatabase {
  /// The workspace with `slug`, or a clear error naming it.
  func requireWorkspace(slug: String) throws -> Workspace {
    guard let workspace = try workspace(slug: slug) else { throw IdentityError.unknownWorkspace(slug: slug) }
    return workspace
  }

  /// The user with `email`, or a clear error naming it.
  func requireUser(email: String) throws -> User {
    guard let user = try user(email: email) else { throw IdentityError.unknownUser(email: email) }
    return user
  }
}
