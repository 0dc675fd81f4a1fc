import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// Notifications people can manage: unread ones first (a tab), 100 a page with keyset paging, "mark all read"
/// for the current workspace, read when followed, failures styled as alarms and successes not, the workspace
/// shown to members of several, and "notify me about: failures only / all finished runs".
@Suite struct PageNotificationManagementTests {
  final class World {
    let fixture: AppFixture
    let app: RunwatchApp
    let browser: Browser
    let olivia: User
    let worker = Actor(kind: .worker, label: "fleet-1", source: "test")

    init() throws {
      fixture = try AppFixture(addTestPage: false)
      app = try RunwatchApp.standard(environment: fixture.environment, options: SessionOptions())
      olivia = try fixture.member("olivia@example.com", role: .owner)
      try fixture.member("olivia@example.com", role: .manager, workspace: fixture.globex)
      browser = Browser(app: app, remoteAddress: "192.0.2.10")
      #expect(browser.signIn("olivia@example.com").status == .seeOther)
    }

    /// A run Olivia started, finished by its worker with `outcome`.
    @discardableResult
    func finished(_ outcome: RunOutcome, workspace: Workspace? = nil, tenant: Tenant? = nil) throws
      -> OperationRun
    {
      fixture.clock.advance(by: 1)
      let run = try fixture.lifecycle.create(
        NewRun(
          workspaceID: (workspace ?? fixture.acme).id, tenantID: (tenant ?? fixture.contoso).id,
          initiatorUserID: olivia.id, type: "policy.sync"), by: worker)
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: outcome, by: worker)
      return run
    }

    func post(_ target: String, _ fields: [(String, String)] = []) -> HTTPResponse {
      let token = Browser.csrfToken(in: browser.get("/notifications?show=all").bodyText) ?? ""
      return browser.post(target, form: [("csrf_token", token)] + fields)
    }

    func ids(_ response: HTTPResponse) -> [Int64] {
      response.bodyText.components(separatedBy: "data-notification-id=\"").dropFirst().compactMap {
        Int64($0.prefix { $0.isNumber })
      }
    }
  }

  @Test func unreadOnesComeFirstAHundredAPageWithKeysetPaging() throws {
    let world = try World()
    for _ in 0..<130 { try world.finished(.failed) }
    let first = world.browser.get("/notifications")
    #expect(first.status == .ok)
    // Counting stops at 100 (every page's chrome reads the count): the tab and the navigation say 99+.
    #expect(first.bodyText.contains("aria-current=\"page\">Unread (99+)</a>"))
    #expect(
      first.bodyText.contains("<span class=\"count\">99+<span class=\"visually-hidden\"> unread</span>"))
    #expect(try world.fixture.database.unreadNotificationCount(forUser: world.olivia.id, upTo: 100) == 100)
    #expect(try world.fixture.database.unreadNotificationCount(forUser: world.olivia.id, upTo: 1_000) == 130)
    let firstIDs = world.ids(first)
    #expect(firstIDs.count == 100)
    #expect(firstIDs == firstIDs.sorted(by: >), "newest first")
    let older = try #require(PageFixture.link(rel: "next", in: first))
    #expect(older == "/notifications?show=unread&before=\(firstIDs.last!)")
    let second = world.browser.get(older)
    let secondIDs = world.ids(second)
    #expect(secondIDs.count == 30)
    #expect(Set(firstIDs).isDisjoint(with: secondIDs))
    #expect(PageFixture.link(rel: "next", in: second) == nil)
    #expect(second.bodyText.contains("Back to the newest"))

    #expect(world.browser.get("/notifications?show=bogus").status == .badRequest)
    #expect(world.browser.get("/notifications?before=0").status == .badRequest)
  }

  @Test func markAllReadTouchesOnlyTheCurrentWorkspaceAndFollowingReadsOne() throws {
    let world = try World()
    let acmeRun = try world.finished(.failed)
    let otherAcme = try world.finished(.succeeded)
    let globexRun = try world.finished(
      .failed, workspace: world.fixture.globex, tenant: world.fixture.initech)
    let database = world.fixture.database
    #expect(try database.unreadNotificationCount(forUser: world.olivia.id, upTo: 100) == 3)

    // Opening a run reads its notification (as following the link does).
    #expect(world.browser.get("/operations/\(otherAcme.id)").status == .ok)
    #expect(try database.unreadNotificationCount(forUser: world.olivia.id, upTo: 100) == 2)

    // The viewer is in acme: "mark all read" leaves globex's unread.
    let page = world.browser.get("/notifications").bodyText
    #expect(page.contains("Mark all read in Acme"))
    #expect(world.post("/notifications/read-all").status == .seeOther)
    let unread = try database.notificationPage(
      forUser: world.olivia.id, unreadOnly: true, before: nil, limit: 10
    ).items.map(\.notification.runID)
    #expect(unread == [globexRun.id])
    #expect(!unread.contains(acmeRun.id))
  }

  @Test func failuresAreAlarmsSuccessesAreNotAndWorkspacesAreNamed() throws {
    let world = try World()
    let failed = try world.finished(.failed)
    let succeeded = try world.finished(.succeeded)
    let html = world.browser.get("/notifications").bodyText
    let failedItem = try #require(
      html.components(separatedBy: "data-run-id=\"\(failed.id)\"").first?.components(separatedBy: "<li ").last
    )
    let succeededItem = try #require(
      html.components(separatedBy: "data-run-id=\"\(succeeded.id)\"").first?.components(separatedBy: "<li ")
        .last)
    #expect(failedItem.contains("notification--attention"))
    #expect(succeededItem.contains("notification--calm"))
    #expect(html.contains("Acme · "), "a member of two workspaces sees which one")
  }

  @Test func failuresOnlyMeansNoNotificationForSuccessOnEveryPath() throws {
    let world = try World()
    #expect(world.post("/notifications/preference", [("notify_on", "failures")]).status == .seeOther)
    #expect(try world.fixture.database.notificationPreference(userID: world.olivia.id) == .failures)
    let succeeded = try world.finished(.succeeded)
    let cancelled = try world.finished(.cancelled)
    let failed = try world.finished(.failed)
    let blocked = try world.finished(.blocked)

    // The reconciler's path too (run by run on SQLite, in batches on PostgreSQL): a linked record that
    // succeeded completes its run as succeeded, which a failures-only reader is not told about.
    let lifecycle = world.fixture.lifecycle
    var linked: [OperationRun] = []
    for (index, status) in ["succeeded", "failed"].enumerated() {
      let run = try lifecycle.create(
        NewRun(
          workspaceID: world.fixture.acme.id, tenantID: world.fixture.contoso.id,
          initiatorUserID: world.olivia.id,
          type: "policy.sync",
          linkedRecord: LinkedRecord(kind: "sync", externalID: "s-\(index)", status: "running")),
        by: world.worker)
      try world.fixture.database.updateLinkedRecord(kind: "sync", externalID: "s-\(index)", status: status)
      linked.append(run)
    }
    _ = try Reconciler(lifecycle: lifecycle, actor: .scheduledReconciler).reconcileAll()

    let notified = Set(
      try world.fixture.database.notificationPage(
        forUser: world.olivia.id, unreadOnly: false, before: nil, limit: 50
      )
      .items.map(\.notification.runID))
    #expect(notified == [failed.id, blocked.id, linked[1].id])
    #expect(
      !notified.contains(succeeded.id) && !notified.contains(cancelled.id) && !notified.contains(linked[0].id)
    )

    #expect(world.post("/notifications/preference", [("notify_on", "everything")]).status == .badRequest)
    #expect(world.post("/notifications/preference", [("notify_on", "all")]).status == .seeOther)
    let later = try world.finished(.succeeded)
    #expect(
      try world.fixture.database.notificationPage(
        forUser: world.olivia.id, unreadOnly: false, before: nil, limit: 50
      )
      .items.map(\.notification.runID).contains(later.id))
  }
}
