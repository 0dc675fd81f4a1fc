import Foundation
import RunwatchCore
import RunwatchStore
import SQLiteDB

/// `runwatch-bench incident --db FILE --runs N --stale-in S [--policy FILE]`: the day a worker fleet dies. Adds
/// N running runs to an existing (seeded) database, spread over its workspaces' active tenants and the policy's
/// reconcilable types, half of them started by a workspace member (so healing also writes notifications),
/// whose stored deadlines all pass S seconds from now: their workers "died" a while ago and the runs go stale
/// together. `serve`'s own loop then heals them, which `Tests/live/bench-incident.sh` measures.
struct IncidentOptions {
  var database = ""
  var runs = 100_000
  var staleIn = 20
  var policyPath: String?

  static let usage =
    "usage: runwatch-bench incident --db FILE [--runs N] [--stale-in SECONDS] [--policy FILE]"

  init(arguments: [String]) throws {
    var rest = arguments.dropFirst()
    while let flag = rest.popFirst() {
      guard let text = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(Self.usage)") }
      switch flag {
      case "--db": database = text
      case "--policy": policyPath = text
      case "--runs", "--stale-in":
        guard let value = Int(text), value >= 0 else {
          throw BenchError("\(flag) needs a non-negative integer\n\(Self.usage)")
        }
        if flag == "--runs" { runs = value } else { staleIn = value }
      default: throw BenchError("unknown option \(flag)\n\(Self.usage)")
      }
    }
    guard !database.isEmpty else { throw BenchError("--db is required\n\(Self.usage)") }
  }
}

func incident(_ options: IncidentOptions) throws {
  let policy =
    try options.policyPath.map { try LifecyclePolicy.load(yaml: String(contentsOfFile: $0, encoding: .utf8)) }
    ?? .builtIn
  let database = try RunwatchDatabase(path: options.database, policy: policy)
  let types = policy.reconcilableTypes
  guard !types.isEmpty else { throw BenchError("the policy has no reconcilable types") }
  let now = Date()
  // (workspace, tenant, a member who may start runs) for every active tenant.
  let targets: [(Int64, Int64, Int64?)] = try database.pool.read { connection in
    try connection.query(
      """
      SELECT t.workspace_id, t.id,
        (SELECT m.user_id FROM memberships m WHERE m.workspace_id = t.workspace_id ORDER BY m.user_id LIMIT 1)
          AS member
      FROM tenants t WHERE t.status = 'active' ORDER BY t.id
      """
    ).compactMap { row in
      guard let workspace = row.int64("workspace_id"), let tenant = row.int64("id") else { return nil }
      return (workspace, tenant, row.int64("member"))
    }
  }
  guard !targets.isEmpty else { throw BenchError("the database has no active tenant: seed it first") }
  let insert = """
    INSERT INTO operation_runs (workspace_id, tenant_id, initiator_user_id, type, status, outcome, summary_counts,
      context, created_at, started_at, last_heartbeat_at, stale_at)
    VALUES (?, ?, ?, ?, 'running', 'pending', ?, '{"source":"runwatch-bench incident"}', ?, ?, ?, ?)
    """
  let ((), milliseconds) = try timed {
    for start in stride(from: 0, to: options.runs, by: 10_000) {
      try database.pool.writeTransaction { connection in
        for index in start..<min(start + 10_000, options.runs) {
          let type = types[index % types.count]
          let (workspace, tenant, member) = targets[index % targets.count]
          // A worker that started the run and reported for a while, then died; the run's deadline (whichever
          // of its two comes first) passes `staleIn` seconds from now, give or take a second.
          var run = OperationRun(
            id: 0, workspaceID: workspace, tenantID: tenant, initiatorUserID: index % 2 == 0 ? member : nil,
            type: type, status: .running, createdAt: now)
          let rules = policy.types[type]
          let running = TimeInterval(rules?.runningStaleAfterSeconds ?? 1_200)
          let target = now.addingTimeInterval(TimeInterval(options.staleIn) + Double(index % 1000) / 1000)
          if let heartbeat = rules?.heartbeatTimeoutSeconds.map(TimeInterval.init) {
            run.lastHeartbeatAt = target.addingTimeInterval(-heartbeat)
            run.startedAt = run.lastHeartbeatAt?.addingTimeInterval(-min(60, running - heartbeat - 1))
          } else {
            run.startedAt = target.addingTimeInterval(-running)
            run.lastHeartbeatAt = run.startedAt?.addingTimeInterval(60)
          }
          run.createdAt = run.startedAt?.addingTimeInterval(-30) ?? now
          try connection.execute(
            insert,
            [
              run.workspaceID, run.tenantID, run.initiatorUserID, run.type,
              "{\"processed\":\(index % 97),\"total\":100}", run.createdAt, run.startedAt,
              run.lastHeartbeatAt,
              run.staleDeadline(policy: policy),
            ])
        }
      }
    }
  }
  print(
    "incident: \(options.runs) running runs whose workers died; their deadlines pass in \(options.staleIn) s "
      + "(inserted in \(format(milliseconds)))")
}
