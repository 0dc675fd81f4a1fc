import Foundation
import RunwatchCore
import StorageEngine
import Synchronization

/// What run reads decoded while it is installed (`RunReadProbe.$current.withValue(probe) { … }`): whole run
/// rows and the bytes of every value read for a run-scoped lookup. Tests use it to show that a run the caller
/// may not see costs the same work as a missing id, which wall time can only hint at.
public final class RunReadProbe: Sendable {
  /// The probe recording reads on this task, if any (nil in production: recording is one task-local read).
  @TaskLocal public static var current: RunReadProbe?

  private struct Counts { var fullRows = 0, accessRows = 0, bytes = 0 }
  private let counts = Mutex(Counts())

  /// Creates an empty probe.
  public init() {}

  /// Whole run rows decoded (every column, context included).
  public var fullRowsDecoded: Int { counts.withLock { $0.fullRows } }
  /// Access rows read (workspace, tenant and type only).
  public var accessRowsRead: Int { counts.withLock { $0.accessRows } }
  /// Bytes of all values read by both kinds of lookup.
  public var bytesRead: Int { counts.withLock { $0.bytes } }

  static func recordFullRow(_ row: Row) {
    guard let probe = current else { return }
    let bytes = row.valueBytes
    probe.counts.withLock {
      $0.fullRows += 1
      $0.bytes += bytes
    }
  }

  static func recordAccessRow(_ row: Row) {
    guard let probe = current else { return }
    let bytes = row.valueBytes
    probe.counts.withLock {
      $0.accessRows += 1
      $0.bytes += bytes
    }
  }
}

extension Row {
  /// The size of the values as read: text and blobs by their bytes, numbers as 8.
  fileprivate var valueBytes: Int {
    values.reduce(0) { total, value in
      switch value {
      case .null: total
      case .integer, .real: total + 8
      case .text(let text): total + text.utf8.count
      case .blob(let bytes): total + bytes.count
      case .timestamp: total + 8
      }
    }
  }
}

extension DatabaseConnection {
  /// Only what the access decision needs about run `id` (nil when there is no such run). Read before the run
  /// itself, so a run in another tenant or workspace is refused after the same small read as a missing id,
  /// not after its whole row (a large context made the difference measurable).
  func fetchRunAccessTarget(id: Int64) throws -> RunAccessTarget? {
    guard
      let row = try queryOne(
        "SELECT workspace_id, tenant_id, type FROM operation_runs WHERE id = ?", [id])
    else { return nil }
    RunReadProbe.recordAccessRow(row)
    guard let workspaceID = row.int64("workspace_id"), let type = row.string("type") else {
      throw StoreError.corruptRow(table: "operation_runs")
    }
    return RunAccessTarget(workspaceID: workspaceID, tenantID: row.int64("tenant_id"), type: type)
  }

  /// The access decision for run `id` from its minimal read: `.allowed` only when it exists and `principal`
  /// may open it; missing and hidden are the same `.notFound`.
  func decideRunAccess(id: Int64, principal: Principal, policy: LifecyclePolicy) throws -> AccessDecision {
    AccessControl.decide(principal: principal, run: try fetchRunAccessTarget(id: id), policy: policy)
  }

  /// The run `id` behind the access decision, read in full only once allowed. Call inside a transaction so
  /// the decision and the row come from one snapshot.
  func fetchAuthorizedRun(id: Int64, principal: Principal, policy: LifecyclePolicy) throws
    -> Authorized<OperationRun>
  {
    switch try decideRunAccess(id: id, principal: principal, policy: policy) {
    case .notFound: return .notFound
    case .forbidden(let capability): return .forbidden(capability)
    case .allowed: return try fetchRun(id: id).map { .allowed($0) } ?? .notFound
    }
  }
}
