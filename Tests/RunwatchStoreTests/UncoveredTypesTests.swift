import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// The type filter's list of types outside the policy: distinct, sorted, bounded, per workspace, and only
/// types the viewer has a run of.
@Suite struct UncoveredTypesTests {
  @Test func listsEachUncoveredTypeOnceInOrderWithinTheViewersScope() throws {
    let fixture = try TestFixture()
    let other = try fixture.database.addWorkspace(slug: "other", name: "Other", at: fixture.clock.now())
    for (type, tenant) in [
      ("custom.b", fixture.tenant), ("custom.a", fixture.tenant), ("custom.b", fixture.tenant),
      ("custom.c", fixture.otherTenant), ("policy.sync", fixture.tenant),
    ] {
      _ = try fixture.createRun(type: type, tenant: tenant)
    }
    _ = try fixture.lifecycle.create(
      NewRun(workspaceID: other.id, tenantID: nil, initiatorUserID: nil, type: "custom.elsewhere"),
      by: fixture.worker)

    let everyone = RunScope(workspaceID: fixture.workspace.id)
    #expect(try fixture.database.uncoveredTypes(scope: everyone) == ["custom.a", "custom.b", "custom.c"])
    #expect(try fixture.database.uncoveredTypes(scope: everyone, limit: 2) == ["custom.a", "custom.b"])
    let oneTenant = RunScope(
      workspaceID: fixture.workspace.id, tenantIDs: [fixture.tenant.id], includesWorkspaceLevelRuns: false)
    #expect(try fixture.database.uncoveredTypes(scope: oneTenant) == ["custom.a", "custom.b"])
    #expect(
      try fixture.database.uncoveredTypes(scope: RunScope(workspaceID: other.id)) == ["custom.elsewhere"])
  }
}
