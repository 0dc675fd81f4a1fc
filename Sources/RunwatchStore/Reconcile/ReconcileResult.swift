import RunwatchCore

/// One run the reconciler completed (or, in a dry run, would complete).
public struct ReconcileChange: Sendable, Equatable, Codable {
  /// Whether it was written (`false` in a dry run).
  public var applied: Bool
  /// The run.
  public var operationRunID: Int64
  /// Its operation type.
  public var type: String
  /// Status, outcome and freshness before.
  public var before: RunSnapshot
  /// Status, outcome and freshness after.
  public var after: RunSnapshot
  /// Stable reason code.
  public var reasonCode: ReasonCode
  /// The operator sentence for the reason, from the reason catalog.
  public var reasonMessage: String
  /// Evidence stored on the run.
  public var evidence: JSONValue

  /// Creates a change.
  public init(
    applied: Bool, operationRunID: Int64, type: String, before: RunSnapshot, after: RunSnapshot,
    reasonCode: ReasonCode, reasonMessage: String, evidence: JSONValue
  ) {
    self.applied = applied
    self.operationRunID = operationRunID
    self.type = type
    self.before = before
    self.after = after
    self.reasonCode = reasonCode
    self.reasonMessage = reasonMessage
    self.evidence = evidence
  }

  enum CodingKeys: String, CodingKey {
    case applied
    case operationRunID = "operation_run_id"
    case type, before, after
    case reasonCode = "reason_code"
    case reasonMessage = "reason_message"
    case evidence
  }
}

/// A run the reconciler could not handle: it was left as it was and the rest of the batch went on.
public struct ReconcileFailure: Sendable, Equatable, Codable {
  /// The run.
  public var operationRunID: Int64
  /// What went wrong (storage error or decoding failure; never user data).
  public var error: String

  /// Creates a failure.
  public init(operationRunID: Int64, error: String) {
    self.operationRunID = operationRunID
    self.error = error
  }

  enum CodingKeys: String, CodingKey {
    case operationRunID = "operation_run_id"
    case error
  }
}

/// What one reconcile pass found and did. Encodes to the JSON printed by `runwatch reconcile --json`.
///
/// Counts cover every run; `changes` lists at most `listedChangeLimit` of them (the first ones, in the order
/// they were assessed) and `unlistedChanges` says how many more there were, so healing 100,000 runs keeps a
/// bounded result in memory.
public struct ReconcileResult: Sendable, Equatable, Codable {
  /// Most changes a result lists: one full batch (`reconcile --limit` is at most 500), so a single pass
  /// always lists every change.
  public static let listedChangeLimit = ReconcileOptions.limitRange.upperBound

  /// Runs selected for assessment.
  public var candidates: Int
  /// Changes written (always 0 in a dry run).
  public var reconciled: Int
  /// Candidates left alone: still fresh on a second look, or finished by someone else first.
  public var skipped: Int
  /// The first changes, in the order they were assessed.
  public var changes: [ReconcileChange]
  /// Changes beyond `listedChangeLimit`, counted but not listed.
  public var unlistedChanges: Int
  /// Candidates that could not be handled (an undecodable row…): left as they were, the others went on.
  public var failed: Int = 0
  /// The first `listedFailureLimit` of those failures.
  public var failures: [ReconcileFailure] = []
  /// Another instance on the same database held the reconcile lease, so this one looked at nothing and left
  /// the healing to it (PostgreSQL only; see `Reconciler.leased`).
  public var yieldedToAnotherInstance = false
  /// Applied changes by type, reason and outcome, counted in full even past `listedChangeLimit` (metrics read
  /// these). Not part of the JSON object, whose changes already say it for the ones listed.
  public var reconciledByKind: [ReconciledKind: Int] = [:]

  /// Applied changes by reason (see `reconciledByKind`).
  public var reconciledByReason: [ReasonCode: Int] {
    reconciledByKind.reduce(into: [:]) { counts, entry in counts[entry.key.reason, default: 0] += entry.value
    }
  }

  /// Most failures a result lists.
  public static let listedFailureLimit = 20

  /// Creates a result.
  public init(
    candidates: Int = 0, reconciled: Int = 0, skipped: Int = 0, changes: [ReconcileChange] = [],
    unlistedChanges: Int = 0
  ) {
    self.candidates = candidates
    self.reconciled = reconciled
    self.skipped = skipped
    self.changes = changes
    self.unlistedChanges = unlistedChanges
  }

  enum CodingKeys: String, CodingKey {
    case candidates, reconciled, skipped, changes, failed, failures
    case unlistedChanges = "unlisted_changes"
    case yieldedToAnotherInstance = "yielded_to_another_instance"
  }

  /// Decodes a result; `failed` and `failures` are absent when nothing failed.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    candidates = try container.decode(Int.self, forKey: .candidates)
    reconciled = try container.decode(Int.self, forKey: .reconciled)
    skipped = try container.decode(Int.self, forKey: .skipped)
    changes = try container.decode([ReconcileChange].self, forKey: .changes)
    unlistedChanges = try container.decode(Int.self, forKey: .unlistedChanges)
    failed = try container.decodeIfPresent(Int.self, forKey: .failed) ?? 0
    failures = try container.decodeIfPresent([ReconcileFailure].self, forKey: .failures) ?? []
    yieldedToAnotherInstance =
      try container.decodeIfPresent(Bool.self, forKey: .yieldedToAnotherInstance) ?? false
  }

  /// Encodes the result; `failed` and `failures` only appear when a run failed, and
  /// `yielded_to_another_instance` only when true, so the usual object keeps its five keys.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(candidates, forKey: .candidates)
    try container.encode(reconciled, forKey: .reconciled)
    try container.encode(skipped, forKey: .skipped)
    try container.encode(changes, forKey: .changes)
    try container.encode(unlistedChanges, forKey: .unlistedChanges)
    if failed > 0 {
      try container.encode(failed, forKey: .failed)
      try container.encode(failures, forKey: .failures)
    }
    if yieldedToAnotherInstance { try container.encode(true, forKey: .yieldedToAnotherInstance) }
  }

  /// Counts a run that could not be handled, listing it while fewer than `listedFailureLimit` are listed.
  mutating func recordFailure(runID: Int64, error: any Error) {
    failed += 1
    if failures.count < Self.listedFailureLimit {
      failures.append(ReconcileFailure(operationRunID: runID, error: String(describing: error)))
    }
  }

  /// Lists `change`, or only counts it once `listedChangeLimit` changes are listed.
  mutating func record(_ change: ReconcileChange) {
    if change.applied {
      let kind = ReconciledKind(type: change.type, reason: change.reasonCode, outcome: change.after.outcome)
      reconciledByKind[kind, default: 0] += 1
    }
    list(change)
  }

  private mutating func list(_ change: ReconcileChange) {
    if changes.count < Self.listedChangeLimit {
      changes.append(change)
    } else {
      unlistedChanges += 1
    }
  }

  /// Adds another batch's figures to this one.
  mutating func absorb(_ batch: ReconcileResult) {
    candidates += batch.candidates
    reconciled += batch.reconciled
    skipped += batch.skipped
    unlistedChanges += batch.unlistedChanges
    for change in batch.changes { list(change) }
    reconciledByKind.merge(batch.reconciledByKind, uniquingKeysWith: +)
    failed += batch.failed
    for failure in batch.failures where failures.count < Self.listedFailureLimit { failures.append(failure) }
  }
}

/// What a reconciled run was: its type, the reason and the outcome it got (a metric's labels).
public struct ReconciledKind: Hashable, Sendable {
  /// The run's type.
  public var type: String
  /// Why it was reconciled.
  public var reason: ReasonCode
  /// The outcome it was given.
  public var outcome: RunOutcome

  /// Creates a kind.
  public init(type: String, reason: ReasonCode, outcome: RunOutcome) {
    self.type = type
    self.reason = reason
    self.outcome = outcome
  }
}
