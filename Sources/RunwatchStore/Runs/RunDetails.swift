import Foundation
import RunwatchCore
import StorageEngine

/// A run with what its row only references: everything the worker API's run object shows. Read in one
/// transaction with the run itself, so a heartbeat answers from the snapshot it wrote.
public struct RunDetails: Sendable, Equatable {
  /// The run.
  public var run: OperationRun
  /// Its workspace's slug (the id as text if the workspace row is missing).
  public var workspaceSlug: String
  /// Its initiator's e-mail, nil for a system run (or a user row that is gone).
  public var initiatorEmail: String?
  /// Its late reports, oldest first.
  public var lateReports: [LateReport]

  /// Creates details from their parts.
  public init(run: OperationRun, workspaceSlug: String, initiatorEmail: String?, lateReports: [LateReport]) {
    self.run = run
    self.workspaceSlug = workspaceSlug
    self.initiatorEmail = initiatorEmail
    self.lateReports = lateReports
  }
}

/// Built once: interpolating it for every heartbeat showed up in profiles.
private enum RunDetailsSQL {
  static let runWithReferences = """
    SELECT \(OperationRun.selectColumns),
      (SELECT w.slug FROM workspaces w WHERE w.id = operation_runs.workspace_id) AS workspace_slug,
      (SELECT u.email FROM users u WHERE u.id = operation_runs.initiator_user_id) AS initiator_email
    FROM operation_runs WHERE id = ?
    """
}

extension DatabaseConnection {
  /// The run `id` with its workspace slug and initiator e-mail, in one statement (late reports are left
  /// empty: read them with `fetchLateReports` once the caller's writes are done).
  /// `forUpdate` reads it to change it, inside the caller's write transaction (see `fetchRunForUpdate`).
  func fetchRunWithReferences(id: Int64, forUpdate: Bool = false) throws -> RunDetails? {
    let sql =
      forUpdate ? RunDetailsSQL.runWithReferences + engineSQL.lockingRead : RunDetailsSQL.runWithReferences
    guard let row = try queryOne(sql, [id]) else { return nil }
    RunReadProbe.recordFullRow(row)
    let run = try OperationRun(row: row)
    return RunDetails(
      run: run, workspaceSlug: row.string("workspace_slug") ?? String(run.workspaceID),
      initiatorEmail: row.string("initiator_email"), lateReports: [])
  }

  /// `fetchRunWithReferences(id:)` behind the access decision: a missing run and one `principal` may not see
  /// are the same `.notFound`, exactly as `RunwatchDatabase.authorizeRun` answers. The decision is taken on
  /// the run's minimal access read; the whole row is read only once allowed (see `fetchRunAccessTarget`).
  /// Callers hold a transaction (the heartbeat's write, the read path's read), so both reads see one snapshot.
  func fetchAuthorizedRunWithReferences(
    id: Int64, principal: Principal, policy: LifecyclePolicy, forUpdate: Bool = false
  ) throws -> Authorized<RunDetails> {
    switch try decideRunAccess(id: id, principal: principal, policy: policy) {
    case .notFound: return .notFound
    case .forbidden(let capability): return .forbidden(capability)
    case .allowed:
      return try fetchRunWithReferences(id: id, forUpdate: forUpdate).map { .allowed($0) } ?? .notFound
    }
  }
}
