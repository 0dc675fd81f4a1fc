import Foundation
import RunwatchCore
import SQLiteDB
import SecretKit
import TestStorage
import Testing

@testable import RunwatchDemo
@testable import RunwatchStore

@Suite("Demo seeder")
struct DemoSeederTests {
  @Test("the same seed gives the same runs; another seed gives others")
  func seedingIsDeterministic() throws {
    let first = try DemoTestDatabase()
    let second = try DemoTestDatabase()
    let other = try DemoTestDatabase()
    let a = try first.seed(seed: 5)
    let b = try second.seed(seed: 5)
    try other.seed(seed: 6)
    #expect(a.freshnessCounts == b.freshnessCounts)
    #expect(a.reasonCounts == b.reasonCounts)
    #expect(a.auditEvents == b.auditEvents && a.notifications == b.notifications)
    func signature(_ runs: [OperationRun]) -> [String] {
      runs.map {
        "\($0.id) \($0.type) \($0.status.rawValue) \($0.outcome.rawValue) \($0.tenantID ?? 0) \($0.createdAt)"
      }
    }
    let firstRuns = try first.runs()
    #expect(firstRuns.count == 120)
    #expect(signature(firstRuns) == signature(try second.runs()))
    #expect(signature(firstRuns) != signature(try other.runs()))
  }

  @Test("every freshness state and reason code is present, as the domain derives them")
  func everyStateIsPresent() throws {
    let demo = try DemoTestDatabase()
    let report = try demo.seed()
    let runs = try demo.runs()
    var derived: [Freshness: Int] = [:]
    for run in runs { derived[run.freshness(policy: .builtIn, now: DemoTestDatabase.now), default: 0] += 1 }
    #expect(derived == report.freshnessCounts)
    for state in Freshness.allCases { #expect((derived[state] ?? 0) > 0, "no \(state.rawValue) run") }
    for reason in ReasonCode.allCases {
      #expect((report.reasonCounts[reason] ?? 0) > 0, "no \(reason.rawValue)")
    }

    let covered = Set(runs.map(\.type)).intersection(LifecyclePolicy.builtIn.types.keys)
    #expect(covered.count == 12)
    #expect(runs.contains { $0.type == DemoCatalog.uncoveredType && $0.status.isTerminal })
    for outcome in [RunOutcome.succeeded, .partiallySucceeded, .blocked, .failed, .cancelled] {
      #expect(runs.contains { $0.outcome == outcome && $0.reconciliation == nil }, "no \(outcome.rawValue)")
    }
    let fresh = runs.filter { $0.freshness(policy: .builtIn, now: DemoTestDatabase.now) == .freshActive }
    #expect(
      fresh.contains { $0.status == .queued }
        && fresh.contains { $0.status == .running && ($0.summaryCounts["processed"] ?? 0) > 0 })
    let stale = runs.filter { $0.freshness(policy: .builtIn, now: DemoTestDatabase.now) == .likelyStale }
    #expect(stale.contains { $0.status == .queued } && stale.contains { $0.status == .running })
  }

  @Test("reconciled runs carry evidence, bridges carry the exception, late reports and notifications exist")
  func historyIsRealistic() throws {
    let demo = try DemoTestDatabase()
    let report = try demo.seed()
    let runs = try demo.runs()
    let stale = try #require(runs.first { $0.reconciliation?.reason == .staleRunning })
    for key in [
      "evaluated_at", "freshness_state", "threshold_seconds", "reference_time", "status",
      "execution_legitimacy", "terminal_truth_path",
    ] {
      #expect(stale.reconciliation?.evidence[key] != nil, "evidence lacks \(key)")
    }
    let bridged = try #require(runs.first { $0.reconciliation?.reason == .queueFailureBridge })
    #expect(
      bridged.reconciliation?.evidence["queue_failure"]?["exception_class"]?.stringValue?.isEmpty == false)
    #expect(report.lateReports >= 2)
    #expect(try demo.count("SELECT COUNT(*) FROM late_reports WHERE kind = 'complete'") >= 2)
    #expect(try demo.count("SELECT COUNT(*) FROM audit_events WHERE action = 'run.start_refused'") == 1)
    #expect(try demo.count("SELECT COUNT(*) FROM audit_events WHERE action = 'run.reconciled'") > 0)
    #expect(report.notifications == runs.filter { $0.status.isTerminal && $0.initiatorUserID != nil }.count)
    #expect(
      runs.contains { $0.status.isTerminal && !$0.failures.isEmpty && ($0.summaryCounts["failed"] ?? 0) > 0 })
    #expect(runs.allSatisfy { $0.context["trigger"] != nil })
    #expect(runs.contains { $0.tenantID == nil })
    // The history spans days and ends at "now".
    let created = runs.map(\.createdAt)
    #expect(try #require(created.min()) < DemoTestDatabase.now.addingTimeInterval(-2 * 86_400))
    #expect(try #require(created.max()) > DemoTestDatabase.now.addingTimeInterval(-3_600))
    #expect(runs.allSatisfy { ($0.completedAt ?? $0.createdAt) <= DemoTestDatabase.now })
  }

  @Test("two workspaces, an archived tenant and every role, with the single-tenant and read-only users")
  func directoryIsComplete() throws {
    let demo = try DemoTestDatabase()
    let report = try demo.seed()
    #expect(report.workspaces.map(\.slug) == ["northwind", "globex"])
    #expect(report.tenants.filter(\.isArchived).map(\.name) == ["Adventure Works Legacy"])
    let database = demo.database
    var roles: Set<Role> = []
    for credential in DemoCatalog.credentials {
      let user = try #require(try database.user(email: credential.email))
      roles.formUnion(try database.memberships(userID: user.id).map(\.role))
    }
    #expect(roles == Set(Role.allCases))
    let northwind = try #require(try database.workspace(slug: "northwind"))
    let globex = try #require(try database.workspace(slug: "globex"))
    let sam = try #require(try database.user(email: "sam@northwind.example"))
    let samAccess = try #require(try database.principal(userID: sam.id)?.workspaces[northwind.id])
    let contoso = try #require(report.tenants.first { $0.name == DemoCatalog.singleTenantName })
    #expect(samAccess.tenants == .only([contoso.id]))
    let rita = try #require(try database.user(email: "rita@northwind.example"))
    let ritaAccess = try #require(try database.principal(userID: rita.id)?.workspaces[northwind.id])
    #expect(!ritaAccess.has(.restoreView) && ritaAccess.has(.operationsView))
    let gina = try #require(try database.user(email: "gina@globex.example"))
    #expect(try database.memberships(userID: gina.id).map(\.workspaceID) == [globex.id])
    // The read-only user can see a restore run exists in her tenants only as "forbidden": there must be one.
    #expect(
      try demo.count(
        "SELECT COUNT(*) FROM operation_runs WHERE type = 'restore.execute' AND workspace_id = ?",
        [northwind.id]) > 0)
    #expect(
      try demo.count(
        "SELECT COUNT(*) FROM operation_runs WHERE tenant_id = ? AND initiator_user_id = ?",
        [contoso.id, sam.id]) >= 2)
  }

  @Test("every printed password signs in (interactive Argon2id cost); a wrong one does not")
  func printedPasswordsSignIn() throws {
    let demo = try DemoTestDatabase()
    let report = try demo.seed(runs: DemoSeeder.minimumRuns(policy: .builtIn), passwordCost: .interactive)
    let identity = IdentityService(database: demo.database, clock: SystemTimeSource())
    let lines = report.summaryLines.joined(separator: "\n")
    for credential in report.credentials {
      #expect(lines.contains(credential.email) && lines.contains(credential.password))
      let result = try identity.signIn(
        email: credential.email, password: credential.password, address: "127.0.0.1")
      guard case .signedIn(let user, _) = result else {
        Issue.record("\(credential.email) could not sign in: \(result)")
        continue
      }
      #expect(user.email == credential.email)
    }
    #expect(
      try identity.signIn(email: "olivia@northwind.example", password: "wrong", address: "127.0.0.1")
        == .invalidCredentials)
    let hash = try demo.database.pool.read {
      try $0.queryOne("SELECT password_hash FROM users LIMIT 1")?.string("password_hash")
    }
    #expect(hash.map { !PasswordHasher(cost: .interactive).needsRehash($0) } == true)
  }

  @Test("seeding refuses a database with data and a count below the minimum")
  func refusals() throws {
    let demo = try DemoTestDatabase()
    #expect(
      throws: DemoSeedError.tooFewRuns(requested: 10, minimum: DemoSeeder.minimumRuns(policy: .builtIn))
    ) {
      try demo.seed(runs: 10)
    }
    #expect(try !DemoSeeder.hasData(demo.database))
    try demo.seed(runs: DemoSeeder.minimumRuns(policy: .builtIn))
    #expect(try DemoSeeder.hasData(demo.database))
    #expect(throws: DemoSeedError.databaseNotEmpty(path: demo.location.displayName)) { try demo.seed() }
  }

  @Test("the demo policy validates and has short windows")
  func demoPolicyValidates() throws {
    #expect(LifecyclePolicyValidator.violations(in: .demo).isEmpty)
    #expect(Set(LifecyclePolicy.demo.types.keys) == Set(LifecyclePolicy.builtIn.types.keys))
    #expect(
      LifecyclePolicy.demo.types.values.allSatisfy {
        $0.queuedStaleAfterSeconds <= 60 && $0.runningStaleAfterSeconds <= 90
      })
    #expect(LifecyclePolicy.demo.reconcile.intervalSeconds <= 30)
    #expect(LifecyclePolicy.demo.types["restore.execute"]?.capability == "restore.view")
    // Restores opt out of scheduled reconciliation; every other type is healed by the loop.
    #expect(
      LifecyclePolicy.demo.reconcilableTypes
        == LifecyclePolicy.demo.types.keys.sorted().filter { $0 != "restore.execute" })
  }

  @Test("seeding under the demo policy still shows every state")
  func seedsUnderDemoPolicy() throws {
    let demo = try DemoTestDatabase(policy: .demo)
    let report = try demo.seed(runs: 80)
    for state in Freshness.allCases {
      #expect((report.freshnessCounts[state] ?? 0) > 0, "no \(state.rawValue)")
    }
  }

  /// `demo seed --seed S` takes any seed: every plan the generator makes plays through the lifecycle service
  /// (late reports land on terminal runs, starts on queued ones) under both policies.
  @Test(arguments: [LifecyclePolicy.builtIn, .demo])
  func everySeedPlaysThrough(policy: LifecyclePolicy) throws {
    for seed in UInt64(1)...12 {
      let demo = try DemoTestDatabase(policy: policy)
      #expect(throws: Never.self, "seed \(seed)") { _ = try demo.seed(runs: 300, seed: seed) }
    }
  }
}
