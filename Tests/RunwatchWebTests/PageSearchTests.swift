import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import Testing

/// The Find box's text search (`q=` words): the type and its label, the tenant, who requested the run, its
/// context values, the worker, failure messages and the queue's exception — within the viewer's scope and the
/// other filters, on both engines.
@Suite struct PageSearchTests {
  final class World {
    let fixture: PageFixture
    let restore: OperationRun
    let backup: OperationRun
    let nightly: OperationRun
    let quota: OperationRun
    let token: OperationRun
    let fleet: OperationRun
    let system: OperationRun

    init() throws {
      fixture = try PageFixture()
      let worker = fixture.worker
      restore = try fixture.run("restore.execute")
      backup = try fixture.run("backup_schedule_run", tenant: fixture.fabrikam)
      nightly = try fixture.run(context: ["source": "nightly import", "batch": 42])
      quota = try fixture.run()
      _ = try fixture.lifecycle.start(runID: quota.id, by: worker)
      _ = try fixture.lifecycle.fail(
        runID: quota.id, failures: [RunFailure(code: "disk", message: "Disk quota exceeded on volume 7")],
        by: worker)
      token = try fixture.run()
      _ = try fixture.lifecycle.bridgeQueueFailure(
        runID: token.id,
        report: QueueFailureReport(
          kind: .exception, exceptionClass: "App\\Jobs\\TokenExpiredException", message: "Graph said 401"),
        by: worker)
      fleet = try fixture.run()
      _ = try fixture.lifecycle.start(
        runID: fleet.id, worker: WorkerIdentity(host: "ip-10-0-3-7", pid: 4242, name: "fleet-seven"),
        by: worker)
      system = try fixture.run(initiator: nil)
    }

    func found(_ query: String, as viewer: String = "owner") -> [Int64] {
      let response = fixture.get("/operations?q=\(query)", as: viewer)
      #expect(response.status == .ok, "\(query)")
      return PageFixture.rowIDs(response)
    }
  }

  @Test func wordsFindRunsByWhatOperatorsRemember() throws {
    let world = try World()
    #expect(world.found("restore") == [world.restore.id], "type")
    #expect(world.found("scheduled%20backup") == [world.backup.id], "label of its own")
    #expect(world.found("fabrikam") == [world.backup.id], "tenant")
    #expect(world.found("nightly") == [world.nightly.id], "context value")
    #expect(world.found("quota%20exceeded") == [world.quota.id], "failure message, every word")
    #expect(world.found("TokenExpired") == [world.token.id], "queue exception class, as a prefix")
    #expect(world.found("graph%20401") == [world.token.id], "queue message")
    #expect(world.found("fleet-sev") == [world.fleet.id], "worker name")
    #expect(world.found("ip-10-0-3") == [world.fleet.id], "worker host")
    #expect(
      Set(world.found("owner%20user"))
        == Set([
          world.restore.id, world.backup.id, world.nightly.id, world.quota.id, world.token.id, world.fleet.id,
        ]), "who requested it")
    #expect(world.found("nothing-like-this").isEmpty)
  }

  @Test func searchStaysInsideTheScopeAndTheOtherFilters() throws {
    let world = try World()
    // The operator sees Contoso only (and restores); Fabrikam's backup is not found, not hinted at.
    #expect(world.found("fabrikam", as: "operator").isEmpty)
    #expect(world.found("restore", as: "readonly").isEmpty, "hidden type")
    #expect(PageFixture.rowIDs(world.fixture.get("/operations?q=owner&status=completed")).count == 2)
    // The form keeps the words, escaped, and the filter form carries them along.
    let page = world.fixture.get("/operations?q=%3Cb%3Equota%3C%2Fb%3E").bodyText
    #expect(page.contains("value=\"&lt;b&gt;quota&lt;/b&gt;\""))
    #expect(page.contains("Matching “&lt;b&gt;quota&lt;/b&gt;”"))
    #expect(page.contains("<input type=\"hidden\" name=\"q\" value=\"&lt;b&gt;quota&lt;/b&gt;\">"))
    #expect(!page.contains("<b>quota"))
  }

  @Test func theIndexFollowsEveryChange() throws {
    let world = try World()
    // A worker's failure words are indexed when it fails the run; the reconciler's own words are not needed.
    let later = try world.fixture.run()
    #expect(world.found("volume").count == 1)
    _ = try world.fixture.lifecycle.start(runID: later.id, by: world.fixture.worker)
    _ = try world.fixture.lifecycle.fail(
      runID: later.id, failures: [RunFailure(code: "disk", message: "Volume offline")],
      by: world.fixture.worker)
    world.fixture.clock.advance(by: 5)  // past the page cache
    #expect(Set(world.found("volume")) == [world.quota.id, later.id])
  }
}
