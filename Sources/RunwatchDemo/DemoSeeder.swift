import Foundation
import RunwatchCore
import RunwatchStore
import SecretKit
import StorageEngine

/// Fills an empty database with the demo: two workspaces, their tenants (one archived), a person for every
/// role with a known password, a rich history of runs in every freshness state played through the real
/// lifecycle service and reconciler on a clock stepped through the last days (so audit events, notifications
/// and late reports are the real ones), and optionally a bulk of plain rows for scale checks.
///
/// Seeding refuses a database that already has workspaces (`DemoSeedError.databaseNotEmpty`): it is not
/// idempotent, because replaying a history on top of another one would not be a realistic database.
public enum DemoSeeder {
  /// Worker token names per workspace; audit events name the workers `token:<name>`.
  static func workerTokenName(slug: String) -> String { "\(slug)-workers" }

  /// The fewest runs a seed can have under `policy` (so every state and reason appears).
  public static func minimumRuns(policy: LifecyclePolicy) -> Int { DemoPlanner.minimumRuns(policy: policy) }

  /// The database-wide lease `serve --demo` instances take to decide which of them seeds an empty database.
  public static let seedLeaseKey: Int64 = 72_367_112

  /// Whether `database` already holds any workspace (then `seed` refuses it).
  public static func hasData(_ database: RunwatchDatabase) throws -> Bool {
    try database.pool.read { connection in try connection.scalar("SELECT COUNT(*) FROM workspaces") ?? 0 } > 0
  }

  /// Seeds `database` (which must be empty) and returns what was created. The policy used for thresholds is
  /// the database's own, so the states hold under the policy the server will run with.
  public static func seed(into database: RunwatchDatabase, options: DemoSeedOptions) throws -> DemoSeedReport
  {
    let began = ContinuousClock.now
    let policy = database.policy
    let minimum = minimumRuns(policy: policy)
    guard options.runs >= minimum else {
      throw DemoSeedError.tooFewRuns(requested: options.runs, minimum: minimum)
    }
    guard try !hasData(database) else {
      throw DemoSeedError.databaseNotEmpty(path: database.location.displayName)
    }

    let window = DemoWindow(policy: policy)
    let now = options.now
    let clock = ManualTimeSource(now.addingTimeInterval(-(window.historyStartAgo + 91 * 86_400)))
    let lifecycle = LifecycleService(database: database, clock: clock)
    let identity = IdentityService(
      database: database, clock: clock, hasher: PasswordHasher(cost: options.passwordCost))

    // A database seeded under the demo policy remembers it, so every command opening it later uses that policy
    // (`RunwatchDatabase.remembersDemoPolicy`) instead of recomputing its deadlines under another.
    if policy.fingerprint == LifecyclePolicy.demo.fingerprint { try database.rememberDemoPolicy() }

    options.progress("Creating workspaces, tenants and demo users…")
    let (directory, tokens) = try makeDirectory(identity: identity, database: database, clock: clock)

    let richCount = max(minimum, min(options.runs, options.richRuns))
    let bulkCount = options.runs - richCount
    let activeBulk = bulkCount / 1_000
    let historyBulk = bulkCount - activeBulk
    var bulkDuration = Duration.zero
    let generator = BulkRunGenerator(database: database)
    if historyBulk > 0 {
      options.progress("Bulk-inserting \(historyBulk) finished runs over the last 90 days…")
      let report = try generator.insertHistory(
        count: historyBulk, from: now.addingTimeInterval(-(window.historyStartAgo + 90 * 86_400)),
        to: now.addingTimeInterval(-window.historyStartAgo), seed: options.seed ^ 0xB01C)
      bulkDuration += report.duration
      // Bulk rows bypass the lifecycle service, so their rollups are counted and their search text written
      // here, before the rich runs play.
      let rollupsStarted = ContinuousClock.now
      try database.rebuildRollups()
      try database.rebuildSearchIndex()
      bulkDuration += ContinuousClock.now - rollupsStarted
    }

    options.progress("Playing \(richCount) runs through the lifecycle service…")
    let richStarted = ContinuousClock.now
    var planner = DemoPlanner(policy: policy, directory: directory, now: now, seed: options.seed)
    planner.plan(count: richCount)
    var player = DemoPlayer(
      lifecycle: lifecycle, clock: clock, directory: directory, plans: planner.plans)
    for event in planner.orderedEvents { try player.play(event) }
    clock.set(now)
    var richDuration = ContinuousClock.now - richStarted

    if activeBulk > 0 {
      options.progress("Bulk-inserting \(activeBulk) active runs…")
      let report = try generator.insertActive(count: activeBulk, now: now, seed: options.seed ^ 0xAC71)
      bulkDuration += report.duration
    }

    options.progress("Running ANALYZE…")
    let analyzeStarted = ContinuousClock.now
    try database.pool.write { connection in try connection.execute("ANALYZE") }
    let analyzeDuration = ContinuousClock.now - analyzeStarted

    let setupDuration = ContinuousClock.now - began - richDuration - bulkDuration - analyzeDuration
    richDuration += setupDuration  // password hashing belongs to the rich set
    var report = try tally(database: database, now: now)
    report.workspaces = directory.workspaces
    report.tenants = try directory.workspaces.flatMap { try database.tenants(workspaceID: $0.id) }
    report.workerTokens = tokens
    report.richRuns = richCount
    report.bulkRuns = bulkCount
    report.richDuration = richDuration
    report.bulkDuration = bulkDuration
    report.analyzeDuration = analyzeDuration
    report.totalDuration = ContinuousClock.now - began
    return report
  }

  private static func makeDirectory(
    identity: IdentityService, database: RunwatchDatabase, clock: ManualTimeSource
  ) throws -> (DemoDirectory, [String: String]) {
    var directory = DemoDirectory(
      workspaces: [], activeTenants: [], archivedTenants: [], userIDs: [:], workers: [])
    var tokens: [String: String] = [:]
    for spec in DemoCatalog.workspaces {
      let workspace = try database.addWorkspace(slug: spec.slug, name: spec.name, at: clock.now())
      var active: [Tenant] = []
      var archived: [Tenant] = []
      for name in spec.tenants {
        let tenant = try database.addTenant(workspaceID: workspace.id, name: name, at: clock.now())
        if spec.archivedTenants.contains(name) { archived.append(tenant) } else { active.append(tenant) }
      }
      let token = try identity.createAPIToken(
        workspaceID: workspace.id, name: workerTokenName(slug: spec.slug))
      tokens[spec.slug] = token.secret
      directory.workspaces.append(workspace)
      directory.activeTenants.append(active)
      directory.archivedTenants.append(archived)
      directory.workers.append(
        Actor(kind: .token, label: "token:\(workerTokenName(slug: spec.slug))", source: "api"))
    }
    for credential in DemoCatalog.credentials {
      let user = try identity.addUser(
        email: credential.email, name: credential.name, password: credential.password)
      directory.userIDs[credential.email] = user.id
      for (slug, role) in credential.roles {
        guard let index = directory.workspaces.firstIndex(where: { $0.slug == slug }) else { continue }
        // Operators and read-only members reach only granted tenants: everyone gets all of them except the
        // single-tenant operator, who gets one.
        var granted = directory.tenants(ofWorkspace: index)
        if credential.purpose.contains(DemoCatalog.singleTenantName) {
          granted = granted.filter { $0.name == DemoCatalog.singleTenantName }
        }
        try database.grant(
          userID: user.id, workspaceID: directory.workspaces[index].id, role: role,
          tenantIDs: CapabilityRegistry.isEntitledToAllTenants(role) ? [] : granted.map(\.id), at: clock.now()
        )
      }
    }
    return (directory, tokens)
  }

  /// Counts per freshness state and reason, and the side tables, straight from the database.
  private static func tally(database: RunwatchDatabase, now: Date) throws -> DemoSeedReport {
    try database.pool.read { connection in
      var freshness: [Freshness: Int] = [:]
      let rows = try connection.query(
        """
        SELECT CASE
            WHEN status = 'completed' AND reconciliation_reason IS NOT NULL AND outcome = 'failed'
              THEN 'reconciled_failed'
            WHEN status = 'completed' THEN 'terminal_normal'
            WHEN stale_at IS NULL THEN 'unknown'
            WHEN stale_at <= ? THEN 'likely_stale'
            ELSE 'fresh_active' END AS state, COUNT(*) AS runs
        FROM operation_runs GROUP BY state
        """, [now])
      for row in rows {
        if let state = row.string("state").flatMap(Freshness.init(rawValue:)) {
          freshness[state] = Int(row.int64("runs") ?? 0)
        }
      }
      var reasons: [ReasonCode: Int] = [:]
      for row in try connection.query(
        """
        SELECT reconciliation_reason AS reason, COUNT(*) AS runs FROM operation_runs
        WHERE reconciliation_reason IS NOT NULL GROUP BY reconciliation_reason
        """)
      {
        if let reason = row.string("reason").flatMap(ReasonCode.init(rawValue:)) {
          reasons[reason] = Int(row.int64("runs") ?? 0)
        }
      }
      func count(_ table: String) throws -> Int {
        Int(try connection.scalar("SELECT COUNT(*) FROM \(table)") ?? 0)
      }
      return DemoSeedReport(
        workspaces: [], tenants: [], credentials: DemoCatalog.credentials, workerTokens: [:], richRuns: 0,
        bulkRuns: 0, freshnessCounts: freshness, reasonCounts: reasons,
        auditEvents: try count("audit_events"),
        notifications: try count("notifications"), lateReports: try count("late_reports"),
        richDuration: .zero,
        bulkDuration: .zero, analyzeDuration: .zero, totalDuration: .zero)
    }
  }
}
