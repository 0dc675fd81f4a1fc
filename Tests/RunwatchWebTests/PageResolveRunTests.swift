import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Resolving a stuck run by hand (`operations.resolve`): offered on likely-stale runs only, a confirmation form
/// that works without JavaScript and keeps what was typed, a CSRF-checked POST through the lifecycle service
/// (compare-and-set: a worker that finishes first wins), and a run page that says who resolved it and why.
@Suite struct PageResolveRunTests {
  final class World {
    let fixture: AppFixture
    let app: RunwatchApp
    let owner: Browser
    let operatorBrowser: Browser
    let initiator: User
    let worker = Actor(kind: .worker, label: "fleet-1", source: "test")

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      initiator = try fixture.member("manager@example.com", role: .manager)
      try fixture.member("operator@example.com", role: .operator, tenants: [fixture.contoso])
      owner = Browser(app: app, remoteAddress: "192.0.2.10")
      operatorBrowser = Browser(app: app, remoteAddress: "192.0.2.11")
      #expect(owner.signIn("manager@example.com").status == .seeOther)
      #expect(operatorBrowser.signIn("operator@example.com").status == .seeOther)
    }

    /// A started `restore.execute`-like run of Contoso that has stopped reporting: likely stale.
    func stuckRun() throws -> OperationRun {
      let run = try fixture.lifecycle.create(
        NewRun(
          workspaceID: fixture.acme.id, tenantID: fixture.contoso.id, initiatorUserID: initiator.id,
          type: "policy.sync"), by: worker)
      _ = try fixture.lifecycle.start(runID: run.id, by: worker)
      fixture.clock.advance(by: 1_300)
      return run
    }

    func resolve(_ run: OperationRun, note: String, as browser: Browser? = nil) -> HTTPResponse {
      let browser = browser ?? owner
      let token = Browser.csrfToken(in: browser.get("/notifications").bodyText) ?? ""
      return browser.post("/operations/\(run.id)/resolve", form: [("csrf_token", token), ("note", note)])
    }
  }

  @Test func aManagerMarksAStuckRunFailedWithANoteAndThePageSaysWhoAndWhy() throws {
    let world = try World()
    let run = try world.stuckRun()
    let page = world.owner.get("/operations/\(run.id)").bodyText
    #expect(page.contains("href=\"/operations/\(run.id)/resolve\">Mark as failed…</a>"))

    let form = world.owner.get("/operations/\(run.id)/resolve")
    #expect(form.status == .ok)
    #expect(
      form.bodyText.contains(
        "<form class=\"resolve__form\" method=\"post\" action=\"/operations/\(run.id)/resolve\">"))
    #expect(form.bodyText.contains("name=\"note\""))

    let note = "Host <web-3> was decommissioned;\nthe restore never resumed."
    let done = world.resolve(run, note: note)
    #expect(done.status == .seeOther)
    #expect(done.headers["Location"] == "/operations/\(run.id)")

    let stored = try #require(try world.fixture.database.run(id: run.id))
    #expect(stored.status == .completed)
    #expect(stored.outcome == .failed)
    #expect(stored.reconciliation?.reason == .resolvedByOperator)
    #expect(stored.reconciliation?.source == "operator")
    #expect(stored.reconciliation?.evidence["note"] == .string(note.trimmingCharacters(in: .whitespaces)))
    #expect(stored.reconciliation?.evidence["resolved_by"]?["name"] == "manager@example.com")
    #expect(stored.reconciliation?.evidence["deadline"] == "max_runtime")
    let actions = try world.fixture.database.auditEvents(runID: run.id).map(\.action)
    #expect(actions == ["run.created", "run.started", "run.resolved"])
    #expect(try world.fixture.database.notifications(forUser: world.initiator.id).count == 1)

    let after = world.owner.get("/operations/\(run.id)").bodyText
    #expect(after.contains("data-reason-code=\"run.resolved_by_operator\""))
    #expect(after.contains("Resolved by an operator"))
    #expect(after.contains("Host &lt;web-3&gt; was decommissioned;\nthe restore never resumed."))
    #expect(after.contains("<figcaption>— manager@example.com</figcaption>"))
    #expect(!after.contains("Host <web-3>"))
    #expect(!after.contains("Mark as failed…"))

    // Nothing left to resolve: the second attempt changes nothing and says why.
    let again = world.resolve(run, note: "again")
    #expect(again.status == .conflict)
    #expect(again.bodyText.contains("has already finished"))
    #expect(try world.fixture.database.auditEvents(runID: run.id).count == 3)
  }

  @Test func aNoteIsRequiredAndWhatWasTypedIsKept() throws {
    let world = try World()
    let run = try world.stuckRun()
    let empty = world.resolve(run, note: "   \n ")
    #expect(empty.status == .unprocessableContent)
    #expect(empty.bodyText.contains("Write a note"))
    #expect(empty.bodyText.contains("aria-invalid=\"true\""))
    let long = String(repeating: "a<", count: 1_001)
    let tooLong = world.resolve(run, note: long)
    #expect(tooLong.status == .unprocessableContent)
    #expect(
      tooLong.bodyText.contains(String(repeating: "a&lt;", count: 1_001)),
      "the typed note comes back, escaped")
    #expect(try world.fixture.database.run(id: run.id)?.status == .running, "nothing changed")
  }

  @Test func notOfferedOnFreshOrFinishedRunsNorToOperatorsAndTheServerRefusesThemToo() throws {
    let world = try World()
    let fresh = try world.fixture.lifecycle.create(
      NewRun(
        workspaceID: world.fixture.acme.id, tenantID: world.fixture.contoso.id, initiatorUserID: nil,
        type: "policy.sync"), by: world.worker)
    #expect(!world.owner.get("/operations/\(fresh.id)").bodyText.contains("Mark as failed"))
    let refused = world.resolve(fresh, note: "it looks stuck")
    #expect(refused.status == .conflict)
    #expect(refused.bodyText.contains("not likely stale"))
    #expect(try world.fixture.database.run(id: fresh.id)?.status == .queued)

    let stuck = try world.stuckRun()
    #expect(!world.operatorBrowser.get("/operations/\(stuck.id)").bodyText.contains("Mark as failed"))
    let forbidden = world.resolve(stuck, note: "let me", as: world.operatorBrowser)
    #expect(forbidden.status == .forbidden)
    #expect(forbidden.bodyText.contains("operations.resolve"))
    #expect(try world.fixture.database.run(id: stuck.id)?.status == .running)

    // Without the session's CSRF token the post never reaches the handler.
    let forged = world.owner.post("/operations/\(stuck.id)/resolve", form: [("note", "forged")])
    #expect(forged.status == .forbidden)
    #expect(try world.fixture.database.run(id: stuck.id)?.status == .running)
  }

  @Test func aWorkerThatFinishesFirstWinsAndTheOperatorIsTold() throws {
    let world = try World()
    let run = try world.stuckRun()
    #expect(world.owner.get("/operations/\(run.id)/resolve").status == .ok)
    // The worker comes back while the operator types.
    _ = try world.fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: world.worker)
    let late = world.resolve(run, note: "giving up on it")
    #expect(late.status == .conflict)
    #expect(late.bodyText.contains("has already finished (succeeded)"))
    let stored = try #require(try world.fixture.database.run(id: run.id))
    #expect(stored.outcome == .succeeded)
    #expect(stored.reconciliation == nil)

    // At the lifecycle level too: a run that is not likely stale is refused not_stale, nothing written.
    let fresh = try world.fixture.lifecycle.create(
      NewRun(
        workspaceID: world.fixture.acme.id, tenantID: world.fixture.contoso.id, initiatorUserID: nil,
        type: "policy.sync"), by: world.worker)
    let result = try world.fixture.lifecycle.resolve(
      runID: fresh.id, note: "n", operatorName: "x", by: Actor(kind: .user, label: "user:x", source: "web"))
    guard case .refused(let refusal) = result else {
      Issue.record("a fresh run must not be resolved")
      return
    }
    #expect(refusal.reason == .notStale)
    #expect(try world.fixture.database.auditEvents(runID: fresh.id).map(\.action) == ["run.created"])
  }
}
