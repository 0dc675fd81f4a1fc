import Foundation
import HTTPServer
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import TestStorage
import Testing

/// `GET /audit` (scoped, filtered, paginated, with the event panel) and the notifications pages.
@Suite struct PageAuditTests {
  static func eventIDs(_ response: HTTPResponse) -> [Int64] {
    response.bodyText.components(separatedBy: "<tr data-event-id=\"").dropFirst().compactMap {
      Int64($0.prefix { $0.isNumber })
    }
  }

  @Test func needsAuditView() throws {
    let fixture = try PageFixture()
    let response = fixture.get("/audit", as: "readonly")
    #expect(response.status == .forbidden)
    #expect(response.bodyText.contains("Missing capability: <code>audit.view</code>"))
    #expect(!fixture.get("/operations", as: "readonly").bodyText.contains("href=\"/audit\""))
    #expect(fixture.get("/operations", as: "operator").bodyText.contains("href=\"/audit\""))
  }

  @Test func listsOnlyEventsOfRunsTheViewerCouldOpen() throws {
    let fixture = try PageFixture()
    let mine = try fixture.run("policy.sync")
    let hidden = try fixture.run("policy.sync", tenant: fixture.fabrikam)
    _ = try fixture.run("policy.sync", tenant: fixture.initech, workspace: fixture.globex)
    let all =
      try fixture.database.auditEvents(runID: mine.id) + fixture.database.auditEvents(runID: hidden.id)
    let owner = Self.eventIDs(fixture.get("/audit"))
    #expect(owner == all.map(\.id).sorted(by: >))
    let operatorEvents = Self.eventIDs(fixture.get("/audit", as: "operator"))
    #expect(operatorEvents == (try fixture.database.auditEvents(runID: mine.id)).map(\.id).reversed())
    // Opening an event of a run the operator cannot open is a 404, like a missing event.
    let hiddenEvent = try #require(try fixture.database.auditEvents(runID: hidden.id).first)
    let notVisible = fixture.get("/audit?event=\(hiddenEvent.id)", as: "operator")
    let missing = fixture.get("/audit?event=999999", as: "operator")
    #expect(notVisible.status == .notFound)
    #expect(notVisible.body == missing.body)
    // Filtering by that run lists nothing rather than revealing it.
    #expect(Self.eventIDs(fixture.get("/audit?run=\(hidden.id)", as: "operator")).isEmpty)
  }

  @Test func filtersByActionAndRunAndOpensThePanel() throws {
    let fixture = try PageFixture()
    let first = try fixture.run("policy.sync")
    let second = try fixture.run("policy.sync")
    fixture.clock.advance(by: 1_000)
    try fixture.reconcile(second)
    let reconciled = Self.eventIDs(fixture.get("/audit?action=run.reconciled"))
    let expected = try fixture.database.auditEvents(runID: second.id).filter { $0.action == "run.reconciled" }
    #expect(reconciled == expected.map(\.id))
    let forFirst = Self.eventIDs(fixture.get("/audit?run=\(first.id)"))
    #expect(forFirst == (try fixture.database.auditEvents(runID: first.id)).map(\.id).reversed())
    #expect(Self.eventIDs(fixture.get("/audit?action=run.completed")).isEmpty)

    let event = try #require(expected.first)
    let panel = fixture.get("/audit?action=run.reconciled&event=\(event.id)").bodyText
    #expect(
      panel.contains(
        "<aside class=\"side-panel\" aria-labelledby=\"panel-title\" data-event-id=\"\(event.id)\">"))
    #expect(panel.contains("<a href=\"/operations/\(second.id)\">Run #\(second.id)</a>"))
    #expect(panel.contains("Scheduled reconciler"))
  }

  @Test(arguments: [
    ("action=run.exploded", "action"), ("run=x", "run"), ("event=-3", "event"), ("before=abc", "before"),
  ])
  func badParametersAnswer400(_ query: String, _ name: String) throws {
    let fixture = try PageFixture()
    let response = fixture.get("/audit?\(query)")
    #expect(response.status == .badRequest)
    #expect(response.bodyText.contains("Parameter: <code>\(name)</code>"))
  }

  @Test func paginatesWithKeysetCursors() throws {
    let fixture = try PageFixture()
    for _ in 0..<60 { try fixture.run("policy.sync") }  // one run.created event each
    let first = fixture.get("/audit")
    #expect(Self.eventIDs(first).count == 50)
    let older = try #require(PageFixture.link(rel: "next", in: first))
    let second = fixture.get(older)
    #expect(Self.eventIDs(second).count == 10)
    #expect(Set(Self.eventIDs(first)).isDisjoint(with: Self.eventIDs(second)))
    let back = fixture.get(try #require(PageFixture.link(rel: "prev", in: second)))
    #expect(Self.eventIDs(back) == Self.eventIDs(first))
  }

  @Test func emptyAuditLog() throws {
    let fixture = try PageFixture()
    #expect(fixture.get("/audit").bodyText.contains("No audit events yet in this workspace."))
  }
}

@Suite struct PageNotificationTests {
  @Test func listsTheViewersOwnNotificationsUnreadFirstAndMarksRead() throws {
    let fixture = try PageFixture()
    let first = try fixture.run("policy.sync", initiator: "operator")
    let second = try fixture.run("policy.sync", initiator: "operator")
    let others = try fixture.run("policy.sync", initiator: "owner")
    for run in [first, second, others] {
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    }
    let mine = try fixture.database.notifications(forUser: fixture.user("operator").id)
    #expect(mine.count == 2)
    let page = fixture.get("/notifications", as: "operator")
    #expect(page.status == .ok)
    #expect(page.bodyText.contains("data-run-id=\"\(first.id)\""))
    #expect(!page.bodyText.contains("data-run-id=\"\(others.id)\""))
    #expect(page.bodyText.contains("<span class=\"visually-hidden\"> unread</span>"))

    let firstNotification = try #require(mine.first { $0.runID == first.id })
    let marked = fixture.post("/notifications/\(firstNotification.id)/read", as: "operator")
    #expect(marked.status == .seeOther)
    #expect(marked.headers["Location"] == "/notifications")
    // Unread ones are listed by default; the read one is under "All" (newest first), marked read.
    let after = fixture.get("/notifications", as: "operator").bodyText
    #expect(after.contains("data-run-id=\"\(second.id)\""))
    #expect(!after.contains("data-run-id=\"\(first.id)\""))
    let all = fixture.get("/notifications?show=all", as: "operator").bodyText
    let newer = try #require(all.range(of: "data-run-id=\"\(second.id)\""))
    let older = try #require(all.range(of: "data-run-id=\"\(first.id)\""))
    #expect(newer.lowerBound < older.lowerBound)
    #expect(
      all.contains("notification--read notification--calm\" data-notification-id=\"\(firstNotification.id)\"")
    )
  }

  @Test func markingSomeoneElsesNotificationIs404AndChangesNothing() throws {
    let fixture = try PageFixture()
    let run = try fixture.run("policy.sync", initiator: "owner")
    _ = try fixture.lifecycle.complete(runID: run.id, outcome: .succeeded, by: fixture.worker)
    let notification = try #require(
      try fixture.database.notifications(forUser: fixture.user("owner").id).first)
    let response = fixture.post("/notifications/\(notification.id)/read", as: "operator")
    #expect(response.status == .notFound)
    #expect(response.body == fixture.post("/notifications/999999/read", as: "operator").body)
    #expect(try fixture.database.unreadNotificationCount(forUser: fixture.user("owner").id, upTo: 100) == 1)
  }

  @Test func emptyNotifications() throws {
    let fixture = try PageFixture()
    #expect(fixture.get("/notifications").bodyText.contains("No notifications."))
  }

  @Test func anonymousRequestsAreLeftToTheSessionLayer() throws {
    let fixture = try PageFixture()
    for target in ["/operations", "/operations/1", "/audit", "/notifications"] {
      #expect(fixture.get(target, as: "nobody").status == .found, "\(target)")
    }
    #expect(fixture.post("/notifications/1/read", as: "nobody").status == .found)
  }
}
