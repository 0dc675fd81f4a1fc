import ArgumentParser
import Foundation
import RunwatchCore

/// `runwatch policy validate|show`.
struct PolicyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy", abstract: "Check or print the lifecycle policy.",
    subcommands: [Validate.self, Show.self])

  /// Exits 0 when the policy is valid; otherwise prints every violation on its own line and exits 1.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate the lifecycle policy (the --policy file, or the built-in policy).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
      let source = options.policyPath ?? "built-in policy"
      do {
        let policy = try options.loadPolicy()
        let count = policy.types.count
        print("\(source): valid (\(count) covered \(count == 1 ? "type" : "types"))")
      } catch let error as LifecyclePolicyError {
        print(String(describing: error))
        printError("\(source): invalid (\(error.violations.count) violations)")
        throw ExitCode(1)
      } catch {
        print(String(describing: error))
        throw ExitCode(1)
      }
    }
  }

  /// Prints the effective policy as a YAML policy file.
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the effective policy as YAML.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
      print(try options.loadPolicy().yamlText, terminator: "")
    }
  }
}
