import Foundation
import RunwatchCore
import RunwatchStore

/// The run object every endpoint returns, built from a stored run plus the facts the run row only holds ids
/// for. Pure: the caller fetches the workspace slug, initiator e-mail and late reports (see `APIRunLoader`).
public enum APIRunObject {
  /// The run as JSON: ids, status, outcome, derived freshness at `now`, counts, failures, context, RFC 3339 UTC
  /// timestamps, the reconciliation record with its operator label, late reports and the canonical page URL.
  public static func json(
    _ run: OperationRun, workspaceSlug: String, initiatorEmail: String?, lateReports: [LateReport],
    policy: LifecyclePolicy, now: Date
  ) -> JSONValue {
    .object(
      Dictionary(
        uniqueKeysWithValues: members(
          run, workspaceSlug: workspaceSlug, initiatorEmail: initiatorEmail, lateReports: lateReports,
          policy: policy, now: now)))
  }

  /// The run object's compact JSON text, byte for byte `json(…).jsonText`, written straight from its members in
  /// their sorted order (no dictionary, no sort): what a heartbeat answers with.
  public static func utf8(_ details: RunDetails, policy: LifecyclePolicy, now: Date) -> [UInt8] {
    JSONWriter.utf8(
      orderedMembers: members(
        details.run, workspaceSlug: details.workspaceSlug, initiatorEmail: details.initiatorEmail,
        lateReports: details.lateReports, policy: policy, now: now))
  }

  /// Every member of the run object, in ascending UTF-8 order of their names (the order `jsonText` writes).
  static func members(
    _ run: OperationRun, workspaceSlug: String, initiatorEmail: String?, lateReports: [LateReport],
    policy: LifecyclePolicy, now: Date
  ) -> [(key: String, value: JSONValue)] {
    [
      ("completed_at", timestamp(run.completedAt)),
      ("context", run.context),
      ("created_at", timestamp(run.createdAt)),
      (
        "failure_summary",
        .array(run.failures.map { ["code": .string($0.code), "message": .string($0.message)] })
      ),
      ("freshness", .string(run.freshness(policy: policy, now: now).rawValue)),
      (
        "heartbeat_timeout_seconds",
        policy.types[run.type]?.heartbeatTimeoutSeconds.map { .number(Double($0)) } ?? .null
      ),
      ("id", .number(Double(run.id))),
      ("initiator", initiatorEmail.map(JSONValue.string) ?? .null),
      ("last_heartbeat_at", timestamp(run.lastHeartbeatAt)),
      ("late_reports", .array(lateReports.map(lateReport))),
      ("linked_record", run.linkedRecord.map(linkedRecord) ?? .null),
      ("outcome", .string(run.outcome.rawValue)),
      ("reconciliation", run.reconciliation.map(reconciliation) ?? .null),
      ("stale_at", timestamp(run.staleDeadline(policy: policy))),
      ("started_at", timestamp(run.startedAt)),
      ("status", .string(run.status.rawValue)),
      ("summary_counts", .object(run.summaryCounts.mapValues { .number(Double($0)) })),
      ("tenant_id", run.tenantID.map { .number(Double($0)) } ?? .null),
      ("type", .string(run.type)),
      ("url", .string(run.canonicalPath)),
      ("worker", run.worker.map(worker) ?? .null),
      ("workspace", .string(workspaceSlug)),
    ]
  }

  static func linkedRecord(_ record: LinkedRecord) -> JSONValue {
    ["kind": .string(record.kind), "id": .string(record.externalID), "status": .string(record.status)]
  }

  static func worker(_ identity: WorkerIdentity) -> JSONValue {
    [
      "host": .string(identity.host), "pid": identity.pid.map { .number(Double($0)) } ?? .null,
      "name": identity.name.map(JSONValue.string) ?? .null,
    ]
  }

  /// The run object for a run read with its references (`RunDetails`), with freshness derived at `now`.
  public static func json(_ details: RunDetails, policy: LifecyclePolicy, now: Date) -> JSONValue {
    json(
      details.run, workspaceSlug: details.workspaceSlug, initiatorEmail: details.initiatorEmail,
      lateReports: details.lateReports, policy: policy, now: now)
  }

  static func reconciliation(_ record: Reconciliation) -> JSONValue {
    [
      "reason_code": .string(record.reason.rawValue),
      "label": .string(ReasonCatalog.describe(record).label),
      "source": .string(record.source),
      "reconciled_at": timestamp(record.reconciledAt),
      "evidence": record.evidence,
    ]
  }

  static func lateReport(_ report: LateReport) -> JSONValue {
    [
      "id": .number(Double(report.id)),
      "received_at": timestamp(report.receivedAt),
      "kind": .string(report.kind),
      "reporter": .string(report.reporter),
      "payload": report.payload,
    ]
  }

  /// RFC 3339 text (`TimestampText`, the same text as `JSONValue.timestamp` without a calendar), or null.
  static func timestamp(_ date: Date?) -> JSONValue {
    date.map { .string(TimestampText.rfc3339($0)) } ?? .null
  }
}

/// Builds run objects for one request, fetching what the run row only references and remembering workspace
/// slugs and initiator e-mails so a page of runs costs one lookup per distinct value, not one per run.
/// Not shared between requests (it caches without locking).
public final class APIRunLoader {
  private let database: RunwatchDatabase
  private let now: Date
  private var workspaceSlugs: [Int64: String] = [:]
  private var emails: [Int64: String?] = [:]

  /// A loader reading `database`, deriving freshness at `now`.
  public init(database: RunwatchDatabase, now: Date) {
    self.database = database
    self.now = now
  }

  /// The run object for `run`.
  public func json(_ run: OperationRun) throws -> JSONValue {
    try json(run, lateReports: database.lateReports(runID: run.id))
  }

  /// The run objects of a page of runs, with every run's late reports read in one query.
  public func json(_ runs: [OperationRun]) throws -> [JSONValue] {
    let lateReports = try database.lateReports(runIDs: runs.map(\.id))
    return try runs.map { try json($0, lateReports: lateReports[$0.id] ?? []) }
  }

  private func json(_ run: OperationRun, lateReports: [LateReport]) throws -> JSONValue {
    APIRunObject.json(
      run, workspaceSlug: try slug(run.workspaceID), initiatorEmail: try email(run.initiatorUserID),
      lateReports: lateReports, policy: database.policy, now: now)
  }

  private func slug(_ workspaceID: Int64) throws -> String {
    if let known = workspaceSlugs[workspaceID] { return known }
    let slug = try database.workspace(id: workspaceID)?.slug ?? String(workspaceID)
    workspaceSlugs[workspaceID] = slug
    return slug
  }

  private func email(_ userID: Int64?) throws -> String? {
    guard let userID else { return nil }
    if let known = emails[userID] { return known }
    let email = try database.user(id: userID)?.email
    emails[userID] = email
    return email
  }
}
