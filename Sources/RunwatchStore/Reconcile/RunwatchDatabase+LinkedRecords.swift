import Foundation
import RunwatchCore
import StorageEngine

extension RunwatchDatabase {
  /// Records the latest status of a linked domain record on every active run linked to it, and returns how many
  /// runs were updated. The next reconcile pass completes those runs with `run.adapter_out_of_sync` when the
  /// status is terminal (see `LinkedRecordOutcome`). Completed runs keep the record status they finished with:
  /// terminal truth is never rewritten. `workspaceID` limits it to one workspace's runs (the API: a token's);
  /// nil reaches every workspace's.
  @discardableResult
  public func updateLinkedRecord(
    kind: String, externalID: String, status: String, inWorkspace workspaceID: Int64? = nil
  ) throws -> Int {
    let normalized = status.trimmingCharacters(in: .whitespaces).lowercased()
    guard !kind.isEmpty, !externalID.isEmpty, !normalized.isEmpty else {
      throw StoreError.invalid("a linked record needs a kind, an external id and a status")
    }
    var arguments: [any SQLBindable] = [normalized, kind, externalID]
    if let workspaceID { arguments.append(workspaceID) }
    return try pool.writeTransaction { connection in
      return try connection.execute(
        """
        UPDATE operation_runs SET linked_record_status = ?
        WHERE linked_record_kind = ? AND linked_record_id = ? AND status IN ('queued', 'running')
        \(workspaceID == nil ? "" : "AND workspace_id = ?")
        """, arguments)
    }
  }
}
