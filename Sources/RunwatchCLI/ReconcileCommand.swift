import ArgumentParser
import Foundation
import RunwatchCore
import RunwatchStore

/// `runwatch reconcile`: one reconcile batch from the command line, acting as `Actor.cliReconciler`.
struct ReconcileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconcile",
    abstract:
      "Complete stale and out-of-sync runs as failed, with reason, evidence, audit event and notification.")

  @OptionGroup var options: GlobalOptions

  @Flag(name: .long, help: "Report what would change without writing anything.")
  var dryRun = false

  @Option(name: .customLong("type"), help: "Only runs of this operation type (repeatable).")
  var types: [String] = []

  @Option(name: .customLong("tenant"), help: "Only runs of this tenant id (repeatable).")
  var tenantIDs: [Int64] = []

  @Option(name: .customLong("workspace"), help: "Only runs of this workspace id (repeatable).")
  var workspaceIDs: [Int64] = []

  @Option(name: .long, help: "At most this many runs (1-500; default: the policy's reconcile.batch_limit).")
  var limit: Int?

  @Flag(name: .long, help: "Print the result object as JSON.")
  var json = false

  func validate() throws {
    if let limit, !ReconcileOptions.limitRange.contains(limit) {
      throw ValidationError("--limit must be between 1 and 500, got \(limit).")
    }
    if let bad = tenantIDs.first(where: { $0 <= 0 }) {
      throw ValidationError("--tenant must be a positive id, got \(bad).")
    }
    if let bad = workspaceIDs.first(where: { $0 <= 0 }) {
      throw ValidationError("--workspace must be a positive id, got \(bad).")
    }
    if let bad = types.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
      throw ValidationError("--type must not be empty, got '\(bad)'.")
    }
  }

  func run() throws {
    print(try output(), terminator: "")
  }

  /// Opens the database, reconciles one batch and renders the result (JSON or table). Policy and option errors
  /// become a `CLIError` with the reason, so the command exits non-zero with a clear message. A dry run opens
  /// the file for reading only: it migrates nothing and recomputes no deadline, so it works on a read-only file
  /// or directory and leaves the file byte for byte as it was.
  func output(clock: any TimeSource = SystemTimeSource()) throws -> String {
    let result: ReconcileResult
    do {
      let database =
        dryRun
        ? try RunwatchDatabase(readingOnly: options.databaseLocation, policy: options.policyForDatabase())
        : try options.openDatabase()
      let reconciler = Reconciler(
        lifecycle: LifecycleService(database: database, clock: clock), actor: .cliReconciler)
      result = try reconciler.reconcile(
        ReconcileOptions(
          types: types, tenantIDs: tenantIDs, workspaceIDs: workspaceIDs, limit: limit, dryRun: dryRun))
    } catch let error as StoreError {
      throw CLIError("reconcile: \(error.description)")
    }
    return json ? try ReconcileReport.json(result) : ReconcileReport.table(result, dryRun: dryRun)
  }
}

/// Renders a reconcile result for the terminal.
enum ReconcileReport {
  /// Exactly the result object, pretty-printed with sorted keys.
  static func json(_ result: ReconcileResult) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
  }

  /// One line per change, then a summary line.
  static func table(_ result: ReconcileResult, dryRun: Bool) -> String {
    var lines: [String] = []
    if !result.changes.isEmpty {
      let header = ["RUN", "TYPE", "BEFORE", "AFTER", "REASON", "APPLIED"]
      let rows = result.changes.map { change in
        [
          "\(change.operationRunID)", change.type,
          "\(change.before.status.rawValue) (\(change.before.freshnessState.rawValue))",
          "\(change.after.status.rawValue)/\(change.after.outcome.rawValue)", change.reasonCode.rawValue,
          change.applied ? "yes" : "no",
        ]
      }
      let widths = header.indices.map { column in
        ([header] + rows).map { $0[column].count }.max() ?? 0
      }
      for row in [header] + rows {
        lines.append(
          zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
      }
    }
    if result.yieldedToAnotherInstance {
      lines.append(
        "Another instance is reconciling this database right now; nothing was done here. Try again after its tick."
      )
    } else if dryRun {
      lines.append(
        "Dry run: would reconcile \(result.changes.count) of \(result.candidates) candidate(s), "
          + "\(result.skipped) skipped; nothing was written.")
    } else {
      lines.append(
        "Reconciled \(result.reconciled) of \(result.candidates) candidate(s), \(result.skipped) skipped.")
    }
    if result.failed > 0 {
      let listed = result.failures.map { "\($0.operationRunID)" }.joined(separator: ", ")
      lines.append("\(result.failed) run(s) could not be handled and were left as they were: \(listed).")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
