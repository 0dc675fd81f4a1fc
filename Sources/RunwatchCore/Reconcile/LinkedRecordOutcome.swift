import Foundation

/// Which linked-record statuses are terminal, and the run outcome each one means.
///
/// Adapters report the status words of the system that owns the record, so the table accepts the common
/// spellings. Any status not listed is treated as still in progress: the reconciler never guesses an outcome.
public enum LinkedRecordOutcome {
  /// Terminal record status → run outcome.
  public static let table: [String: RunOutcome] = [
    "succeeded": .succeeded,
    "success": .succeeded,
    "completed": .succeeded,
    "partially_succeeded": .partiallySucceeded,
    "partial": .partiallySucceeded,
    "failed": .failed,
    "error": .failed,
    "cancelled": .cancelled,
    "canceled": .cancelled,
    "aborted": .cancelled,
    "blocked": .blocked,
  ]

  /// Terminal statuses, sorted (used to bind the store's candidate query).
  public static var terminalStatuses: [String] { table.keys.sorted() }

  /// The run outcome a record in `status` implies, or `nil` when that status is not terminal.
  /// Matching ignores case and surrounding spaces.
  public static func outcome(forRecordStatus status: String) -> RunOutcome? {
    table[status.trimmingCharacters(in: .whitespaces).lowercased()]
  }
}
