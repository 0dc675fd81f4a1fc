import HTTPServer
import Logging
import RunwatchStore

/// `/healthz`, `/readyz` and `/metrics`: without sessions by design (probes and scrapers carry none), which is why
/// `serve` binds to loopback unless told otherwise; `/metrics` asks for a bearer token when `serve` was given
/// `--metrics-token`. None reveals a run, a user or a tenant.
struct OpsRoutes: Sendable {
  let environment: WebEnvironment
  let httpMetrics: HTTPMetrics
  let reconcileMetrics: ReconcileMetrics
  let transitionMetrics: TransitionMetrics

  /// The Prometheus text format's content type.
  static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  func register(on router: inout Router) {
    router.get("/healthz") { _ in health() }
    let access = environment.metricsAccess
    router.get("/metrics") { request in access.allows(request) ? metrics() : MetricsAccess.refusal }
    let readiness = Readiness(environment: environment, reconcileMetrics: reconcileMetrics)
    router.get("/readyz") { _ in readiness.response() }
  }

  /// 200 after a trivial read answers; 503 when the database does not.
  func health() -> HTTPResponse {
    do {
      _ = try environment.database.pool.read { try $0.scalar("SELECT COUNT(*) FROM runwatch_meta") }
      return .json("{\"status\":\"ok\"}\n")
    } catch {
      environment.logger.error("health check failed", metadata: ["error": "\(error)"])
      return .json("{\"status\":\"unavailable\"}\n", status: .serviceUnavailable)
    }
  }

  /// The Prometheus text exposition (written by swift-prometheus) of runs, reconciliations, finished runs and
  /// HTTP traffic: each part's registry emits its own families, whose names never overlap.
  func metrics() -> HTTPResponse {
    let runs: RunCounts
    do {
      runs = try RunCounts.read(from: environment.database, now: environment.clock.now())
    } catch {
      environment.logger.error("metrics read failed", metadata: ["error": "\(error)"])
      return .text("database unavailable\n", status: .serviceUnavailable)
    }
    let body =
      runs.exposition() + reconcileMetrics.exposition() + transitionMetrics.registry.emitToString()
      + httpMetrics.exposition()
    return HTTPResponse(
      status: .ok, headers: ["Content-Type": Self.contentType], body: Array(body.utf8))
  }
}
