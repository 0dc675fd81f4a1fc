import Foundation
import RunwatchCore
import RunwatchStore

/// What the server or store said about one report from `run exec`.
enum ReportAnswer: Sendable, Equatable {
  /// Applied.
  case accepted
  /// Refused (HTTP 409 or a lifecycle refusal): the run is not ours to drive any more; the message says why.
  case refused(String)
}

/// A run `run exec` created, with the policy hint it needs to pace its heartbeats.
struct CreatedRun: Sendable, Equatable {
  /// Run id.
  var id: Int64
  /// The type's heartbeat window (`heartbeat_timeout_seconds` of the run object), when it has one.
  var heartbeatTimeoutSeconds: Int?
}

/// Where `run exec` reports: the lifecycle service on a local database, or the worker API over HTTP.
protocol RunReporter: Sendable {
  /// Creates a queued run.
  func create(type: String, tenantID: Int64?, initiator: String?, context: JSONValue) throws -> CreatedRun
  /// Starts it as `worker`; refused when it must not be executed.
  func start(runID: Int64, worker: WorkerIdentity) throws -> ReportAnswer
  /// Progress; refused once the run is terminal.
  func heartbeat(runID: Int64, counts: [String: Int64]) throws -> ReportAnswer
  /// The final word.
  func complete(runID: Int64, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure]) throws
    -> ReportAnswer
  /// Where a person finds run `id`: its page's URL, or its path when the server's address is unknown.
  func location(of runID: Int64) -> String
}

/// Runwatch could not be reached at all (no answer from the server, a database that is down): not a
/// refusal. `run exec --if-unreachable run` (the default) then runs the command anyway.
struct ReporterUnreachable: Error, CustomStringConvertible {
  let description: String
}

/// A reporter for a Runwatch that could not even be opened: every call is `ReporterUnreachable`.
struct UnreachableReporter: RunReporter {
  let reason: String

  func create(type: String, tenantID: Int64?, initiator: String?, context: JSONValue) throws -> CreatedRun {
    throw ReporterUnreachable(description: reason)
  }
  func start(runID: Int64, worker: WorkerIdentity) throws -> ReportAnswer {
    throw ReporterUnreachable(description: reason)
  }
  func heartbeat(runID: Int64, counts: [String: Int64]) throws -> ReportAnswer {
    throw ReporterUnreachable(description: reason)
  }
  func complete(runID: Int64, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure]) throws
    -> ReportAnswer
  {
    throw ReporterUnreachable(description: reason)
  }
  func location(of runID: Int64) -> String { "/operations/\(runID)" }
}

/// Reports straight to the lifecycle service (`--db`), as a local worker.
struct LocalRunReporter: RunReporter {
  let lifecycle: LifecycleService
  /// The audit and late-report actor: a worker process, not a person.
  static let actor = Actor(kind: .worker, label: "run-exec", source: "run_exec")
  /// The workspace of a run without a tenant (`run exec --workspace`).
  var workspaceSlug: String? = nil

  func location(of runID: Int64) -> String { "/operations/\(runID)" }

  func create(type: String, tenantID: Int64?, initiator: String?, context: JSONValue) throws -> CreatedRun {
    let database = lifecycle.database
    let workspaceID: Int64
    if let tenantID {
      guard let tenant = try database.tenant(id: tenantID) else {
        throw CLIError("no tenant with id \(tenantID)")
      }
      if let workspaceSlug, try database.workspace(slug: workspaceSlug)?.id != tenant.workspaceID {
        throw CLIError("tenant \(tenantID) is not in workspace \(workspaceSlug)")
      }
      workspaceID = tenant.workspaceID
    } else {
      guard let workspaceSlug else {
        throw CLIError("a run without --tenant needs --workspace SLUG (the API uses the token's workspace)")
      }
      guard let workspace = try database.workspace(slug: workspaceSlug) else {
        throw CLIError("unknown workspace '\(workspaceSlug)'")
      }
      workspaceID = workspace.id
    }
    var initiatorID: Int64?
    if let initiator {
      guard let user = try database.user(email: initiator) else { throw CLIError("no user \(initiator)") }
      initiatorID = user.id
    }
    let run = try lifecycle.create(
      NewRun(
        workspaceID: workspaceID, tenantID: tenantID, initiatorUserID: initiatorID, type: type,
        context: context),
      by: Self.actor)
    return CreatedRun(
      id: run.id, heartbeatTimeoutSeconds: lifecycle.policy.types[type]?.heartbeatTimeoutSeconds)
  }

  func start(runID: Int64, worker: WorkerIdentity) throws -> ReportAnswer {
    Self.answer(try lifecycle.start(runID: runID, worker: worker, by: Self.actor))
  }

  func heartbeat(runID: Int64, counts: [String: Int64]) throws -> ReportAnswer {
    Self.answer(try lifecycle.heartbeat(runID: runID, summaryCounts: counts, by: Self.actor))
  }

  func complete(runID: Int64, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure]) throws
    -> ReportAnswer
  {
    Self.answer(
      try lifecycle.complete(
        runID: runID, outcome: outcome, summaryCounts: counts, failures: failures, by: Self.actor))
  }

  static func answer(_ result: TransitionResult) -> ReportAnswer {
    guard let refusal = result.refusal else { return .accepted }
    return .refused(refusal.reason.message)
  }
}
