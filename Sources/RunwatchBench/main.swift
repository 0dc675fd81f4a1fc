// runwatch-bench: times reconcile ticks over a generated database, and stages incidents for
// Tests/live/bench-incident.sh.
//
//   swift run -c release runwatch-bench reconcile --active 100000 --stale 10000 [--completed 0] [--limit 100]
//     [--db postgresql://…]   (an empty PostgreSQL database instead of a temp SQLite file)
//   swift run -c release runwatch-bench incident --db FILE --runs 100000 --stale-in 20 [--policy FILE]
//
// Builds a temp database with `--active` queued/running runs of covered types, `--stale` of them past their
// deadline (spread evenly through the table), and `--completed` terminal runs, then prints how long one
// dry-run batch, one full tick (every stale run healed, batch after batch) and a second, idle tick take.
import Foundation
import RunwatchCore
import RunwatchStore
import SQLiteDB

struct BenchOptions {
  var active = 100_000
  var stale = 10_000
  var completed = 0
  var limit: Int?
  var database: String?

  static let usage =
    "usage: runwatch-bench reconcile --active N --stale M [--completed K] [--limit L] [--db URI]\n"
    + "       runwatch-bench incident --db FILE [--runs N] [--stale-in SECONDS] [--policy FILE]"

  init(arguments: [String]) throws {
    guard arguments.first == "reconcile" else { throw BenchError(Self.usage) }
    var rest = arguments.dropFirst()
    while let flag = rest.popFirst() {
      if flag == "--db", let location = rest.popFirst() {
        database = location
        continue
      }
      guard let text = rest.popFirst(), let value = Int(text), value >= 0 else {
        throw BenchError("\(flag) needs a non-negative integer\n\(Self.usage)")
      }
      switch flag {
      case "--active": active = value
      case "--stale": stale = value
      case "--completed": completed = value
      case "--limit": limit = value
      default: throw BenchError("unknown option \(flag)\n\(Self.usage)")
      }
    }
    guard stale <= active else { throw BenchError("--stale must not exceed --active") }
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Milliseconds `body` takes, and its result.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = ContinuousClock.now
  let value = try body()
  let elapsed = ContinuousClock.now - start
  return (
    value, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
  )
}

func format(_ milliseconds: Double) -> String { String(format: "%.2f ms", milliseconds) }

/// Inserts the generated runs straight into the table in large transactions (setup only: the lifecycle
/// service is what the timed ticks exercise).
func seed(_ database: RunwatchDatabase, options: BenchOptions, now: Date) throws {
  let policy = database.policy
  let types = policy.reconcilableTypes
  let nowMS = Int64(now.timeIntervalSince1970 * 1000)
  let (workspaceID, tenantIDs, userID) = try database.pool.writeTransaction { connection in
    let workspaceID = try connection.insert(
      "INSERT INTO workspaces (slug, name, created_at) VALUES ('bench', 'Bench', ?)", [now])
    var tenantIDs: [Int64] = []
    for index in 0..<10 {
      tenantIDs.append(
        try connection.insert(
          "INSERT INTO tenants (workspace_id, name, status, created_at) VALUES (?, ?, 'active', ?)",
          [workspaceID, "Tenant \(index)", now]))
    }
    let userID = try connection.insert(
      "INSERT INTO users (email, name, created_at) VALUES ('bench@example.com', 'Bench', ?)", [now])
    try connection.execute(
      "INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, 'operator', ?)",
      [userID, workspaceID, now])
    return (workspaceID, tenantIDs, userID)
  }
  let columns = [
    "workspace_id", "tenant_id", "initiator_user_id", "type", "status", "outcome", "created_at", "started_at",
    "completed_at", "stale_at",
  ]
  let total = options.completed + options.active
  let chunk = 10_000
  for start in stride(from: 0, to: total, by: chunk) {
    var rows: [[any SQLBindable]] = []
    for index in start..<min(start + chunk, total) {
      let type = types[index % types.count]
      guard let rules = policy.types[type] else { continue }
      let tenantID = tenantIDs[index % tenantIDs.count]
      let initiator: Int64? = index % 2 == 0 ? userID : nil
      if index < options.completed {
        let created = nowMS - 86_400_000 - Int64(index)
        rows.append([
          workspaceID, tenantID, initiator, type, "completed", "succeeded", Date(epochMilliseconds: created),
          Date(epochMilliseconds: created + 1_000), Date(epochMilliseconds: created + 60_000), SQLValue.null,
        ])
        continue
      }
      let activeIndex = index - options.completed
      // Exactly `stale` of the active runs are stale, spread evenly through the table.
      let isStale =
        options.stale > 0
        && (activeIndex * options.stale) / options.active != ((activeIndex + 1) * options.stale)
          / options.active
      let running = activeIndex % 2 == 1
      let threshold = Int64(running ? rules.runningStaleAfterSeconds : rules.queuedStaleAfterSeconds) * 1000
      let created = isStale ? nowMS - threshold - 60_000 - Int64(activeIndex % 1000) : nowMS - 5_000
      let started: Int64? = running ? created + 1_000 : nil
      rows.append([
        workspaceID, tenantID, initiator, type, running ? "running" : "queued", "pending",
        Date(epochMilliseconds: created), started.map { Date(epochMilliseconds: $0) }, SQLValue.null,
        Date(epochMilliseconds: (started ?? created) + threshold),
      ])
    }
    try database.pool.writeTransaction { connection in
      try connection.insertRows(into: "operation_runs", columns: columns, rows: rows)
    }
  }
  try database.pool.write { connection in try connection.execute("ANALYZE") }
}

func main() throws {
  let arguments = Array(CommandLine.arguments.dropFirst())
  if arguments.first == "incident" {
    try incident(IncidentOptions(arguments: arguments))
    return
  }
  let options = try BenchOptions(arguments: arguments)
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runwatch-bench-\(UUID())")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let clock = ManualTimeSource()
  let location =
    options.database.map(StorageLocation.init)
    ?? .sqlite(path: directory.appendingPathComponent("bench.sqlite").path)
  let database = try RunwatchDatabase(location: location, policy: .builtIn)
  if case .postgres = location { print("engine: PostgreSQL") } else { print("engine: SQLite") }
  let ((), seedMS) = try timed {
    try seed(database, options: options, now: clock.now())
    try database.rebuildRollups()
  }
  print(
    "database: \(options.active) active runs (\(options.stale) stale), \(options.completed) completed; "
      + "seeded in \(format(seedMS))")

  let reconciler = Reconciler(
    lifecycle: LifecycleService(database: database, clock: clock), actor: .scheduledReconciler)
  let limit = options.limit ?? database.policy.reconcile.batchLimit
  let (preview, previewMS) = try timed {
    try reconciler.reconcile(ReconcileOptions(limit: limit, dryRun: true))
  }
  print("dry-run batch (limit \(limit)): \(preview.changes.count) changes reported in \(format(previewMS))")

  let (tick, tickMS) = try timed { try reconciler.reconcileAll(ReconcileOptions(limit: limit)) }
  let perChange =
    tick.reconciled > 0 ? String(format: ", %.0f µs per change", tickMS * 1000 / Double(tick.reconciled)) : ""
  print(
    "tick: \(tick.reconciled) reconciled, \(tick.skipped) skipped in \(format(tickMS))\(perChange)")

  let (idle, idleMS) = try timed { try reconciler.reconcileAll(ReconcileOptions(limit: limit)) }
  print("next tick (nothing stale left): \(idle.reconciled) reconciled in \(format(idleMS))")

  let healed = try database.pool.read { connection in
    try connection.scalar("SELECT COUNT(*) FROM operation_runs WHERE reconciliation_reason IS NOT NULL") ?? 0
  }
  guard healed == Int64(options.stale) else {
    throw BenchError("expected \(options.stale) reconciled runs, found \(healed)")
  }
  print("verified: \(healed) runs carry a reconciliation record")
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("runwatch-bench: \(error)\n".utf8))
  exit(1)
}
