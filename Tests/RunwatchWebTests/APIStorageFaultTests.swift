import Foundation
import Logging
import RunwatchCore
import RunwatchStore
import TestStorage
import Testing

@testable import RunwatchWeb

/// With the database full (`max_page_count` reached: SQLite answers SQLITE_FULL as for a full disk) the API
/// answers a clear 503 with `Retry-After` instead of a 500, `/readyz` says it cannot write, and everything works
/// again once there is room, without a restart.
@Suite(.serialized) struct APIStorageFaultTests {
  private func setMaximumPages(_ fixture: APIServerFixture, _ pages: Int64?) throws {
    try fixture.database.pool.write { connection in
      let limit = pages ?? 1_073_741_823
      _ = try connection.scalar("PRAGMA max_page_count = \(limit)")
    }
  }

  private func readiness(_ fixture: APIServerFixture, metrics: ReconcileMetrics = ReconcileMetrics())
    -> Readiness
  {
    let environment = WebEnvironment(
      database: fixture.database, lifecycle: fixture.lifecycle, identity: fixture.identity,
      clock: fixture.clock, logger: Logger(label: "readiness-test"), assets: nil)
    return Readiness(environment: environment, reconcileMetrics: metrics)
  }

  @Test(.enabled(if: TestStorage.isSQLite, "a full SQLite file (max_page_count) stands in for a full disk"))
  func writesAnswer503WhileFullAndWorkAgainAfter() throws {
    let fixture = try APIServerFixture()
    let ready = readiness(fixture)
    #expect(ready.response().status.code == 200)
    let pages = try fixture.database.pool.write { try $0.scalar("PRAGMA page_count") ?? 0 }
    try setMaximumPages(fixture, pages)
    let padding = String(repeating: "x", count: 64 * 1024)
    let body =
      #"{"type": "policy.sync", "tenant_id": \#(fixture.tenant.id), "context": {"p": "\#(padding)"}}"#
    let full = try fixture.send("POST", "/runs", json: body)
    #expect(full.status == 503)
    #expect(full.errorCode == "storage_unavailable")
    #expect(full.header("Retry-After") == "\(APIError.storageRetryAfterSeconds)")
    let notReady = ready.response()
    #expect(notReady.status.code == 503)
    #expect(String(decoding: notReady.body, as: UTF8.self).contains("cannot write: database or disk is full"))

    try setMaximumPages(fixture, nil)
    #expect(try fixture.send("POST", "/runs", json: body).status == 201)
    let id = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(id)/start", json: "{}").status == 200)
    #expect(ready.response().status.code == 200)
  }

  /// Readiness notices by itself that the disk has room again: with no request writing, its own probe write
  /// succeeds and clears the failure.
  @Test(.enabled(if: TestStorage.isSQLite, "a full SQLite file (max_page_count) stands in for a full disk"))
  func readinessRecoversWithoutAnyRequestWriting() throws {
    let fixture = try APIServerFixture()
    let pages = try fixture.database.pool.write { try $0.scalar("PRAGMA page_count") ?? 0 }
    try setMaximumPages(fixture, pages)
    let padding = String(repeating: "y", count: 64 * 1024)
    let body =
      #"{"type": "policy.sync", "tenant_id": \#(fixture.tenant.id), "context": {"p": "\#(padding)"}}"#
    #expect(try fixture.send("POST", "/runs", json: body).status == 503)
    try setMaximumPages(fixture, nil)
    #expect(fixture.database.writeFailure != nil)
    #expect(readiness(fixture).response().status.code == 200)
    #expect(fixture.database.writeFailure == nil)
  }

  /// A loop that has not completed a tick for three intervals makes `/readyz` fail; a completed tick clears it.
  @Test func aStalledReconcileLoopIsNotReady() throws {
    let fixture = try APIServerFixture()
    let metrics = ReconcileMetrics()
    let start = Date()
    metrics.expectTicks(every: 10, from: start)
    let ready = readiness(fixture, metrics: metrics)
    #expect(ready.problems(at: start.addingTimeInterval(29)).isEmpty)
    #expect(
      ready.problems(at: start.addingTimeInterval(31)) == ["reconcile loop has not completed a tick for 31 s"]
    )
    metrics.record(ReconcileResult(), at: start.addingTimeInterval(31))
    #expect(ready.problems(at: start.addingTimeInterval(32)).isEmpty)
  }

  /// Runs the loop could not handle are counted on `/metrics`.
  @Test func runFailuresAreCountedOnMetrics() {
    let metrics = ReconcileMetrics()
    var result = ReconcileResult(candidates: 3, reconciled: 2)
    result.failed = 1
    result.failures = [
      ReconcileFailure(operationRunID: 7, error: "a row in operation_runs could not be read")
    ]
    metrics.record(result)
    #expect(metrics.runFailures == 1)
    #expect(metrics.exposition().contains("runwatch_reconcile_run_failures_total{node=\"\"} 1\n"))
  }

  /// Pages map the same storage fault to a 503 page with `Retry-After`; any other failure keeps the 500 page.
  @Test(.enabled(if: TestStorage.isSQLite, "a full SQLite file (max_page_count) stands in for a full disk"))
  func pagesAnswerA503PageForAStorageFault() throws {
    let fixture = try APIServerFixture()
    let pages = try fixture.database.pool.write { try $0.scalar("PRAGMA page_count") ?? 0 }
    try setMaximumPages(fixture, pages)
    var fault: (any Error)?
    do {
      _ = try fixture.lifecycle.create(
        NewRun(
          workspaceID: fixture.workspace.id, tenantID: fixture.tenant.id, initiatorUserID: nil,
          type: "policy.sync", context: ["p": .string(String(repeating: "z", count: 64 * 1024))]),
        by: Actor(kind: .token, label: "token:test", source: "api"))
    } catch {
      fault = error
    }
    let error = try #require(fault)
    let page = PageResponses.failure(error, chrome: TemplateSamples.anonymous)
    #expect(page.status.code == 503)
    #expect(page.headers["Retry-After"] == "\(APIError.storageRetryAfterSeconds)")
    #expect(String(decoding: page.body, as: UTF8.self).contains("Temporarily unavailable"))
    let other = PageResponses.failure(
      StoreError.corruptRow(table: "operation_runs"), chrome: TemplateSamples.anonymous)
    #expect(other.status.code == 500)
  }
}
