import Foundation

/// One failure line reported by a worker (operator-facing code and message).
public struct RunFailure: Sendable, Equatable, Codable {
  /// Stable, machine-friendly failure code (for example `graph.throttled`).
  public var code: String
  /// Human-readable message as the worker reported it.
  public var message: String

  /// Creates a failure line.
  public init(code: String, message: String) {
    self.code = code
    self.message = message
  }
}

/// Why and how a run was completed by something other than its worker.
public struct Reconciliation: Sendable, Equatable {
  /// Stable reason code.
  public var reason: ReasonCode
  /// What applied it: `scheduled_reconciler`, `cli`, `queue_failure_bridge`, `adapter`.
  public var source: String
  /// Evidence an engineer can check (evaluated-at, thresholds, legitimacy checks…).
  public var evidence: JSONValue
  /// When it was applied.
  public var reconciledAt: Date

  /// Creates a reconciliation record.
  public init(reason: ReasonCode, source: String, evidence: JSONValue, reconciledAt: Date) {
    self.reason = reason
    self.source = source
    self.evidence = evidence
    self.reconciledAt = reconciledAt
  }

  /// Which deadline fired, for a stale run reconciled by the scheduled reconciler (evidence `deadline`).
  public var deadline: StaleDeadlineKind? {
    evidence["deadline"]?.stringValue.flatMap(StaleDeadlineKind.init(rawValue:))
  }
}

/// A domain record a run is linked to (for example a restore record); see adapter reconciliation.
public struct LinkedRecord: Sendable, Equatable {
  /// Kind of record (`restore`, `backup_schedule`…).
  public var kind: String
  /// Its identifier in the system that owns it.
  public var externalID: String
  /// Its last known status.
  public var status: String

  /// Creates a link.
  public init(kind: String, externalID: String, status: String) {
    self.kind = kind
    self.externalID = externalID
    self.status = status
  }
}

/// The worker process that started a run, as it described itself on start: where to look when a run stops
/// reporting. Told by the worker, so shown as told (escaped), never trusted for anything.
public struct WorkerIdentity: Sendable, Equatable {
  /// Host name of the machine it runs on.
  public var host: String
  /// Its process id there.
  public var pid: Int64?
  /// What it calls itself (`laravel-queue:default`, `run exec: ./sync.sh`, a Celery worker's name).
  public var name: String?

  /// Creates an identity.
  public init(host: String, pid: Int64? = nil, name: String? = nil) {
    self.host = host
    self.pid = pid
    self.name = name
  }

  /// One line for people: `web-1, process 4242 (laravel-queue:default)`.
  public var summary: String {
    var text = host
    if let pid { text += ", process \(pid)" }
    if let name, !name.isEmpty { text += " (\(name))" }
    return text
  }
}

/// One background operation run, as stored.
public struct OperationRun: Sendable, Equatable, Identifiable {
  /// Row id; also the canonical URL `/operations/<id>`.
  public var id: Int64
  /// Owning workspace.
  public var workspaceID: Int64
  /// Tenant the run works on; `nil` for workspace-level runs.
  public var tenantID: Int64?
  /// User who started it; `nil` for system runs (which never notify anyone).
  public var initiatorUserID: Int64?
  /// Operation type, such as `policy.sync`. Types outside the policy are accepted but never reconciled.
  public var type: String
  /// Lifecycle status.
  public var status: RunStatus
  /// Outcome (`pending` until completed).
  public var outcome: RunOutcome
  /// Numeric progress and result counts.
  public var summaryCounts: [String: Int64]
  /// Failures reported at completion, in worker terms.
  public var failures: [RunFailure]
  /// Free-form context the creator attached.
  public var context: JSONValue
  /// When the run was queued.
  public var createdAt: Date
  /// When a worker started it.
  public var startedAt: Date?
  /// Last progress report.
  public var lastHeartbeatAt: Date?
  /// When it reached terminal truth.
  public var completedAt: Date?
  /// Set when something other than the worker completed the run.
  public var reconciliation: Reconciliation?
  /// Linked domain record, if any.
  public var linkedRecord: LinkedRecord?
  /// The worker that started it, when it said (`worker` on start).
  public var worker: WorkerIdentity?

  /// Creates a run value.
  public init(
    id: Int64, workspaceID: Int64, tenantID: Int64?, initiatorUserID: Int64?, type: String,
    status: RunStatus = .queued, outcome: RunOutcome = .pending, summaryCounts: [String: Int64] = [:],
    failures: [RunFailure] = [], context: JSONValue = .emptyObject, createdAt: Date, startedAt: Date? = nil,
    lastHeartbeatAt: Date? = nil, completedAt: Date? = nil, reconciliation: Reconciliation? = nil,
    linkedRecord: LinkedRecord? = nil, worker: WorkerIdentity? = nil
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.tenantID = tenantID
    self.initiatorUserID = initiatorUserID
    self.type = type
    self.status = status
    self.outcome = outcome
    self.summaryCounts = summaryCounts
    self.failures = failures
    self.context = context
    self.createdAt = createdAt
    self.startedAt = startedAt
    self.lastHeartbeatAt = lastHeartbeatAt
    self.completedAt = completedAt
    self.reconciliation = reconciliation
    self.linkedRecord = linkedRecord
    self.worker = worker
  }

  /// The canonical page for this run; notifications link here.
  public var canonicalPath: String { "/operations/\(id)" }

  /// The instant this run's age is measured from: `created_at` while queued;
  /// `started_at` while running, falling back to `created_at` so a NULL can never hide a stuck run.
  public var referenceTime: Date {
    switch status {
    case .queued, .completed: createdAt
    case .running: startedAt ?? createdAt
    }
  }
}
