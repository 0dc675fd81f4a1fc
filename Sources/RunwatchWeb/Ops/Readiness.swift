import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import Synchronization

/// `/readyz`: whether this server can do its job now, as opposed to `/healthz` (is the process answering).
/// Not ready when the last write failed with a transient fault (disk full…) and none has succeeded since, when
/// a read fails, or when the reconcile loop has not completed a tick for `ReconcileMetrics.stalledAfterIntervals`
/// intervals. While writes are failing each check (at most one a second) tries one tiny write, so readiness
/// comes back by itself once the disk has room, even when no request writes.
final class Readiness: Sendable {
  let environment: WebEnvironment
  let reconcileMetrics: ReconcileMetrics
  private let lastProbe = Mutex<Date?>(nil)

  init(environment: WebEnvironment, reconcileMetrics: ReconcileMetrics) {
    self.environment = environment
    self.reconcileMetrics = reconcileMetrics
  }

  /// The reasons this server is not ready at `now`; empty when it is.
  func problems(at now: Date = Date()) -> [String] {
    var problems: [String] = []
    let database = environment.database
    if database.writeFailure != nil, claimProbe(at: now) {
      try? database.probeWrite(at: environment.clock.now())
    }
    if let failure = database.writeFailure {
      let seconds = max(0, Int(now.timeIntervalSince(failure.since)))
      problems.append("cannot write: \(failure.reason) (for \(seconds) s)")
    }
    do {
      _ = try database.pool.read { try $0.scalar("SELECT COUNT(*) FROM runwatch_meta") }
    } catch {
      problems.append("cannot read the database")
    }
    if let quiet = reconcileMetrics.stalledSeconds(at: now) {
      problems.append("reconcile loop has not completed a tick for \(Int(quiet)) s")
    }
    return problems
  }

  /// 200 `{"status":"ready"}`, or 503 `{"status":"not_ready","reasons":[…]}` with `Retry-After`.
  func response() -> HTTPResponse {
    let problems = problems()
    if problems.isEmpty { return .json("{\"status\":\"ready\"}\n") }
    let body: JSONValue = ["status": "not_ready", "reasons": .array(problems.map { .string($0) })]
    var response = HTTPResponse.json(body.jsonBytes, status: .serviceUnavailable)
    response.headers.set("Retry-After", "\(APIError.storageRetryAfterSeconds)")
    return response
  }

  private func claimProbe(at now: Date) -> Bool {
    lastProbe.withLock { last in
      if let last, now.timeIntervalSince(last) < 1 { return false }
      last = now
      return true
    }
  }
}
