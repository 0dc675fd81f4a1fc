import Foundation
import RunwatchCore
import RunwatchStore
import SecretKit

/// How to seed the demo database.
public struct DemoSeedOptions: Sendable {
  /// Rich runs (full lifecycle, audit, notifications) when `runs` is larger than this; the rest are bulk rows.
  public static let defaultRichRuns = 300

  /// Total runs to create (at least `DemoSeeder.minimumRuns(policy:)`).
  public var runs: Int
  /// Seed of the generator: the same seed and `now` give the same database.
  public var seed: UInt64
  /// The end of the history: the clock stands here when seeding finishes (normally the wall clock).
  public var now: Date
  /// How many of `runs` go through the lifecycle service; the remainder is bulk-inserted.
  public var richRuns: Int
  /// Argon2id cost for the demo passwords: interactive (real sign-in cost) unless a test needs speed.
  public var passwordCost: PasswordHasher.Cost
  /// Told about each phase as it starts (a line of human text), for progress output.
  public var progress: @Sendable (String) -> Void

  /// Creates options; defaults give the rich set of about 300 runs ending at `now`.
  public init(
    runs: Int = DemoSeedOptions.defaultRichRuns, seed: UInt64 = 2026, now: Date = Date(),
    richRuns: Int = DemoSeedOptions.defaultRichRuns, passwordCost: PasswordHasher.Cost = .interactive,
    progress: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.runs = runs
    self.seed = seed
    self.now = now
    self.richRuns = richRuns
    self.passwordCost = passwordCost
    self.progress = progress
  }
}

/// What `DemoSeeder.seed` created.
public struct DemoSeedReport: Sendable {
  /// The demo workspaces.
  public var workspaces: [Workspace]
  /// Every demo tenant (archived ones included).
  public var tenants: [Tenant]
  /// The sign-ins (same as `DemoCatalog.credentials`).
  public var credentials: [DemoCredential]
  /// A worker token secret per workspace slug, for pointing a real worker at the demo (shown once).
  public var workerTokens: [String: String]
  /// Runs created through the lifecycle service.
  public var richRuns: Int
  /// Runs bulk-inserted.
  public var bulkRuns: Int
  /// Runs per freshness state at the end.
  public var freshnessCounts: [Freshness: Int]
  /// Reconciled runs per reason code.
  public var reasonCounts: [ReasonCode: Int]
  /// Audit events written.
  public var auditEvents: Int
  /// Notifications written.
  public var notifications: Int
  /// Late reports kept.
  public var lateReports: Int
  /// Time spent on the rich set (including password hashing).
  public var richDuration: Duration
  /// Time spent bulk-inserting.
  public var bulkDuration: Duration
  /// Time spent in `ANALYZE`.
  public var analyzeDuration: Duration
  /// Total wall time.
  public var totalDuration: Duration

  /// Total runs.
  public var totalRuns: Int { richRuns + bulkRuns }

  /// A human summary: counts per state and reason, timings, then the credentials table.
  public var summaryLines: [String] {
    var lines = [
      "Seeded \(totalRuns) runs (\(richRuns) through the lifecycle service, \(bulkRuns) bulk) in "
        + "\(workspaces.map(\.name).joined(separator: " and ")).",
      "",
      "Runs by freshness:",
    ]
    for state in Freshness.allCases {
      lines.append(
        "  \(state.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0))\(freshnessCounts[state] ?? 0)"
      )
    }
    lines.append("Reconciled runs by reason:")
    for reason in ReasonCode.allCases {
      lines.append(
        "  \(reason.rawValue.padding(toLength: 44, withPad: " ", startingAt: 0))\(reasonCounts[reason] ?? 0)")
    }
    lines += [
      "Audit events \(auditEvents), notifications \(notifications), late reports \(lateReports).",
      "Time: rich set \(Self.seconds(richDuration)), bulk \(Self.seconds(bulkDuration)), "
        + "ANALYZE \(Self.seconds(analyzeDuration)), total \(Self.seconds(totalDuration)).",
      "",
      "Sign in with:",
    ]
    lines += DemoCredential.tableLines(credentials).map { "  " + $0 }
    if !workerTokens.isEmpty {
      lines += ["", "Worker API tokens (Authorization: Bearer …):"]
      lines += workerTokens.keys.sorted().map { "  \($0): \(workerTokens[$0] ?? "")" }
    }
    return lines
  }

  static func seconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "%.2f s", value)
  }
}

/// Why seeding refused to start.
public enum DemoSeedError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The database already holds workspaces: seeding would mix demo data into it.
  case databaseNotEmpty(path: String)
  /// Fewer runs than the rich set needs to show every state.
  case tooFewRuns(requested: Int, minimum: Int)
  /// A planned step was refused: the plan and the lifecycle rules disagree (a bug worth reporting).
  case unexpectedRefusal(step: String, reason: String)

  /// Human-readable description.
  public var description: String {
    switch self {
    case .databaseNotEmpty(let path):
      "\(path) already holds data; seed a new file, or pass --reset to delete this one and seed again"
    case .tooFewRuns(let requested, let minimum):
      "--runs \(requested) is too few: the demo needs at least \(minimum) runs to show every state"
    case .unexpectedRefusal(let step, let reason):
      "demo step \(step) was refused (\(reason))"
    }
  }
}
