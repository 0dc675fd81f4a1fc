import Foundation
import RunwatchCore
import RunwatchStore

/// Realistic payloads for demo runs: contexts, progress counts and failure lines in the words real workers of
/// each type would use. Pure functions of the generator, so a seed always gives the same data.
enum DemoContent {
  /// How many items a run of `type` typically handles.
  static func itemTotal(for type: String, rng: inout SplitMix64) -> Int64 {
    switch type {
    case "policy.sync_one": 1
    case "inventory_sync": Int64(rng.int(in: 400...6_000))
    case "entra_group_sync": Int64(rng.int(in: 80...2_400))
    case "directory_role_definitions.sync": Int64(rng.int(in: 60...140))
    case "baseline_capture", "baseline_compare": Int64(rng.int(in: 120...900))
    case "backup_schedule_run", "restore.execute": Int64(rng.int(in: 50...700))
    case "tenant.review_pack.generate", "tenant.review.compose": Int64(rng.int(in: 8...40))
    case "tenant.evidence.snapshot.generate": Int64(rng.int(in: 20...300))
    default: Int64(rng.int(in: 1_000...50_000))
    }
  }

  /// Progress counts part-way through (`fraction` of the items looked at).
  static func progress(total: Int64, fraction: Double) -> [String: Int64] {
    let processed = min(total, max(0, Int64((Double(total) * fraction).rounded(.down))))
    return ["total": total, "processed": processed]
  }

  /// Final counts for `outcome`: the items split into succeeded, failed and skipped.
  static func finalCounts(total: Int64, outcome: RunOutcome, rng: inout SplitMix64) -> [String: Int64] {
    var failed: Int64 = 0
    var skipped = Int64(Double(total) * rng.double(in: 0...0.04))
    var processed = total
    switch outcome {
    case .succeeded: break
    case .partiallySucceeded: failed = max(1, Int64(Double(total) * rng.double(in: 0.01...0.2)))
    case .failed:
      processed = Int64(Double(total) * rng.double(in: 0.05...0.7))
      failed = max(1, Int64(Double(processed) * rng.double(in: 0.3...1)))
      skipped = 0
    case .blocked, .cancelled, .pending:
      processed = 0
      skipped = 0
    }
    skipped = min(skipped, processed - failed)
    return [
      "total": total, "processed": processed, "succeeded": processed - failed - skipped, "failed": failed,
      "skipped": skipped,
    ]
  }

  /// Failure lines a worker reports with `outcome`.
  static func failures(for type: String, outcome: RunOutcome, rng: inout SplitMix64) -> [RunFailure] {
    switch outcome {
    case .succeeded, .pending: return []
    case .cancelled:
      return [
        RunFailure(
          code: "run.cancelled_by_operator", message: "Cancelled from the console before it started.")
      ]
    case .blocked:
      return [
        rng.pick([
          RunFailure(
            code: "tenant.consent_missing",
            message: "Admin consent for the Runwatch connector was revoked in this tenant."),
          RunFailure(
            code: "license.insufficient", message: "The tenant has no Intune Plan 1 licence; nothing to sync."
          ),
          RunFailure(
            code: "restore.target_locked", message: "Another restore is in progress for this tenant."),
        ])
      ]
    case .failed, .partiallySucceeded:
      let count = outcome == .failed ? rng.int(in: 1...2) : rng.int(in: 1...3)
      var picked: [RunFailure] = []
      for _ in 0..<count {
        let failure = rng.pick(failurePool(for: type))
        if !picked.contains(failure) { picked.append(failure) }
      }
      return picked
    }
  }

  private static func failurePool(for type: String) -> [RunFailure] {
    var pool = [
      RunFailure(
        code: "graph.throttled", message: "Microsoft Graph answered 429 Too Many Requests after 5 retries."),
      RunFailure(code: "graph.timeout", message: "Microsoft Graph did not answer within 100 seconds."),
      RunFailure(
        code: "graph.permission_denied",
        message: "403 Forbidden: the app lacks DeviceManagementConfiguration.Read.All."),
    ]
    switch type {
    case "policy.sync", "policy.sync_one":
      pool.append(
        RunFailure(
          code: "policy.validation_failed", message: "Setting 'passwordMinimumLength' is out of range (4–16)."
        ))
    case "restore.execute":
      pool.append(
        RunFailure(
          code: "restore.conflict", message: "A policy with the same name already exists in the target."))
    case "backup_schedule_run":
      pool.append(
        RunFailure(code: "storage.quota_exceeded", message: "The backup container is over its 50 GB quota."))
    case "entra_group_sync":
      pool.append(
        RunFailure(code: "directory.object_deleted", message: "Group was deleted while it was being read."))
    case "baseline_compare", "baseline_capture":
      pool.append(
        RunFailure(
          code: "baseline.schema_mismatch", message: "Baseline was captured with an older settings catalog."))
    default: break
    }
    return pool
  }

  /// The context a creator attaches to a run of `type`.
  static func context(for type: String, initiated: Bool, rng: inout SplitMix64) -> JSONValue {
    var members: [String: JSONValue] = [
      "trigger": .string(initiated ? rng.pick(["manual", "manual", "api"]) : "schedule"),
      "correlation_id": .string(
        String(format: "%08x-%04x", UInt32(truncatingIfNeeded: rng.next()), rng.int(in: 0...0xFFFF))),
    ]
    switch type {
    case "policy.sync":
      members["policy_types"] = .array(
        ["deviceConfiguration", "compliancePolicy", "settingsCatalog"].prefix(rng.int(in: 1...3)).map {
          .string($0)
        })
      members["graph_api_version"] = .string(rng.pick(["v1.0", "beta"]))
    case "policy.sync_one":
      members["policy_id"] = .string("pol_\(rng.int(in: 10_000...99_999))")
      members["policy_name"] = .string(
        rng.pick(["Windows 11 – Security baseline", "iOS – Passcode", "Edge – SmartScreen"]))
    case "inventory_sync":
      members["scope"] = .string(rng.pick(["devices", "apps", "devices+apps"]))
      members["full_sync"] = .bool(rng.chance(0.2))
    case "entra_group_sync":
      members["delta_token_age_hours"] = .number(Double(rng.int(in: 1...72)))
    case "baseline_capture", "baseline_compare":
      members["baseline_id"] = .string("bl_\(rng.int(in: 100...999))")
      members["baseline_name"] = .string(
        rng.pick(["CIS Level 1", "Corporate standard 2026", "Kiosk devices"]))
    case "backup_schedule_run":
      members["schedule"] = .string(rng.pick(["nightly 02:00", "weekly Sunday 03:00"]))
      members["retention_days"] = .number(Double(rng.pick([30, 90, 365])))
    case "restore.execute":
      members["backup_set_id"] = .string("bs_\(rng.int(in: 10_000...99_999))")
      members["restore_mode"] = .string(rng.pick(["merge", "replace"]))
      members["item_filter"] = .string(rng.pick(["all", "compliance only", "configuration only"]))
    case "tenant.review_pack.generate", "tenant.review.compose":
      members["period"] = .string(rng.pick(["2026-Q3", "2026-Q4", "2026-10", "2026-11"]))
      members["format"] = .string(rng.pick(["pdf", "docx"]))
    case "tenant.evidence.snapshot.generate":
      members["framework"] = .string(rng.pick(["ISO 27001", "SOC 2", "NIS2"]))
    case "directory_role_definitions.sync":
      members["include_custom_roles"] = .bool(rng.chance(0.5))
    default:
      members["export"] = .string(rng.pick(["devices.csv", "users.csv", "licences.csv"]))
    }
    return .object(members)
  }

  /// Exception classes and messages a queue reports when a job dies.
  /// Notes a manager leaves when marking a stuck run failed by hand.
  static let resolveNotes = [
    "The worker host restore-7 was replaced during the maintenance window; the restore never resumed. Customer informed, restore to be re-run tonight.",
    "Checked with the on-call engineer: the job was killed by the OOM killer at 02:14. Partial restore rolled back by hand.",
    "Tenant asked us to stop this restore: the backup it used was the wrong one.\nA new restore was started from Monday's backup.",
  ]

  static func queueFailure(kind: QueueFailureReport.Kind, rng: inout SplitMix64) -> QueueFailureReport {
    switch kind {
    case .timeout:
      return QueueFailureReport(
        kind: .timeout, exceptionClass: "Illuminate\\Queue\\TimeoutExceededException",
        message: "The job has timed out.")
    case .maxAttempts:
      return QueueFailureReport(
        kind: .maxAttempts, exceptionClass: "Illuminate\\Queue\\MaxAttemptsExceededException",
        message: "App\\Jobs\\SyncPolicies has been attempted too many times.")
    case .exception:
      return rng.pick([
        QueueFailureReport(
          kind: .exception, exceptionClass: "GuzzleHttp\\Exception\\ConnectException",
          message: "cURL error 28: Connection timed out after 30001 milliseconds"),
        QueueFailureReport(
          kind: .exception, exceptionClass: "PDOException",
          message: "SQLSTATE[HY000]: General error: 5 database is locked"),
        QueueFailureReport(
          kind: .exception, exceptionClass: "RuntimeException",
          message: "Worker process was killed by signal 9 (out of memory)"),
      ])
    }
  }
}
