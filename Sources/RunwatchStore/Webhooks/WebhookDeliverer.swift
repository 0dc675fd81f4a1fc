import Foundation
import RunwatchCore
import SecretKit
import StorageEngine

/// Sends due outbox rows: claims a bounded batch with a lease, then for each renders the body, signs it, POSTs
/// it and records the answer, each record its own short write (no transaction is held across an HTTP call).
///
/// On PostgreSQL several instances deliver from one outbox: the claim skips rows another instance holds
/// locked (`FOR UPDATE SKIP LOCKED`), and a lease that expires (its deliverer died) makes the rows due again.
/// A row is therefore sent at least once, and receivers de-duplicate by `X-Runwatch-Delivery`.
public final class WebhookDeliverer: Sendable {
  /// The database.
  public let database: RunwatchDatabase
  /// Source of "now".
  public let clock: any TimeSource
  /// Sends the requests.
  public let transport: any WebhookTransport
  /// When failures are retried and when they are given up.
  public let schedule: WebhookRetrySchedule
  /// Prefix of run links (`http://host:port`), or nil while it is not known yet (`serve` on port 0 learns
  /// its port once bound): deliveries wait for it.
  private let publicURL: @Sendable () -> String?
  /// Rows claimed at once.
  public let batchSize: Int
  /// The longest one attempt may take (the transport's timeouts); the lease covers a whole batch of them.
  public let attemptTimeout: TimeInterval

  /// Creates a deliverer. `publicURL` prefixes run links (nil: not known yet, deliver nothing);
  /// `attemptTimeout` must bound the transport's connect-and-answer time, so a batch's lease outlasts the batch.
  public init(
    database: RunwatchDatabase, clock: any TimeSource, transport: any WebhookTransport,
    schedule: WebhookRetrySchedule = .standard, publicURL: @escaping @Sendable () -> String?,
    batchSize: Int = 10, attemptTimeout: TimeInterval = 10
  ) {
    self.database = database
    self.clock = clock
    self.transport = transport
    self.schedule = schedule
    self.publicURL = publicURL
    self.batchSize = max(1, batchSize)
    self.attemptTimeout = attemptTimeout
  }

  /// Creates a deliverer whose run links start with `publicURL`.
  public convenience init(
    database: RunwatchDatabase, clock: any TimeSource, transport: any WebhookTransport,
    schedule: WebhookRetrySchedule = .standard, publicURL: String, batchSize: Int = 10,
    attemptTimeout: TimeInterval = 10
  ) {
    self.init(
      database: database, clock: clock, transport: transport, schedule: schedule, publicURL: { publicURL },
      batchSize: batchSize, attemptTimeout: attemptTimeout)
  }

  /// How long a claim lasts: every attempt of a full batch timing out, plus a margin.
  var lease: TimeInterval { Double(batchSize) * attemptTimeout + 10 }

  /// Claims up to `batchSize` due rows and sends them, one after the other, while `shouldContinue` says so
  /// (rows claimed but not sent when it says stop are released untouched). Returns what happened.
  @discardableResult
  public func deliverDue(shouldContinue: () -> Bool = { true }) throws -> WebhookPassResult {
    guard let base = publicURL() else { return WebhookPassResult(claimed: 0) }
    let linkBase = base.hasSuffix("/") ? String(base.dropLast()) : base
    let claim = "wc_" + (try Secrets.randomToken(byteCount: 12))
    let claimed = try self.claim(as: claim)
    var result = WebhookPassResult(claimed: claimed.count)
    for (index, delivery) in claimed.enumerated() {
      guard shouldContinue() else {
        try release(claimed[index...].map(\.id), claim: claim)
        break
      }
      let attempt = try send(delivery, linkBase: linkBase)
      try record(attempt, of: delivery, claim: claim)
      switch attempt {
      case .answered(let status) where (200..<300).contains(status): result.delivered += 1
      default:
        if schedule.isExhausted(afterAttempts: delivery.attempts) {
          result.failed += 1
        } else {
          result.retrying += 1
        }
      }
    }
    return result
  }

  /// Makes every claimed row due again at once. Only for an engine with one server per database (SQLite), at
  /// start-up: a claim held there belongs to a process that died, and its row is re-sent (same delivery id).
  public func releaseAbandonedClaims() throws {
    try database.pool.write { connection in
      _ = try connection.execute(
        """
        UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL
        WHERE status = 'pending' AND claimed_by IS NOT NULL
        """)
    }
  }

  /// A claimed row with what sending it needs.
  struct Claimed {
    let id: Int64
    let runID: Int64
    let event: String
    /// Attempts including this one.
    let attempts: Int
    let url: String
    let secret: String
    let format: WebhookFormat
  }

  /// Claims due rows for `claim`: bumps their attempts and sets a lease, in one statement.
  func claim(as claim: String) throws -> [Claimed] {
    let now = clock.now()
    return try database.pool.writeTransaction { connection in
      let ids = try connection.query(
        """
        UPDATE webhook_deliveries SET claimed_by = ?1, claimed_until = ?2, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= ?3 AND (claimed_until IS NULL OR claimed_until <= ?3)
          ORDER BY next_attempt_at, id LIMIT ?4\(connection.engineSQL.skipLockedRead))
        RETURNING id
        """, [claim, now.addingTimeInterval(lease), now, batchSize]
      ).compactMap { $0.int64(at: 0) }
      guard !ids.isEmpty else { return [] }
      return try connection.query(
        """
        SELECT d.id, d.run_id, d.event, d.attempts, w.url, w.secret, w.format
        FROM webhook_deliveries AS d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id IN (\(SQLCondition.parameterMarks(ids.count))) ORDER BY d.next_attempt_at, d.id
        """, ids
      ).map { row in
        guard let id = row.int64("id"), let runID = row.int64("run_id"), let event = row.string("event"),
          let attempts = row.int64("attempts"), let url = row.string("url"),
          let secret = row.string("secret"),
          let format = row.string("format").flatMap(WebhookFormat.init(rawValue:))
        else { throw StoreError.corruptRow(table: "webhook_deliveries") }
        return Claimed(
          id: id, runID: runID, event: event, attempts: Int(attempts), url: url, secret: secret,
          format: format)
      }
    }
  }

  /// Renders, signs and sends one delivery.
  func send(_ delivery: Claimed, linkBase: String) throws -> WebhookAttemptResult {
    guard let url = URL(string: delivery.url) else { return .unreachable("the webhook's URL is not valid") }
    guard let run = try database.run(id: delivery.runID),
      let workspace = try database.workspace(id: run.workspaceID)
    else { return .unreachable("the run is gone") }
    let tenantName = try run.tenantID.flatMap { try database.tenantNames(ids: [$0])[$0] }
    let payload = WebhookPayload(
      run: run, workspace: workspace, tenantName: tenantName, deliveryID: delivery.id, event: delivery.event,
      runURL: linkBase + run.canonicalPath)
    let body = payload.body(delivery.format)
    let timestamp = Int64(clock.now().timeIntervalSince1970)
    let request = WebhookRequest(
      url: url,
      headers: [
        ("Content-Type", "application/json"), ("User-Agent", "Runwatch-Webhooks"),
        ("X-Runwatch-Event", delivery.event), ("X-Runwatch-Delivery", String(delivery.id)),
        ("X-Runwatch-Timestamp", String(timestamp)),
        (
          "X-Runwatch-Signature",
          try WebhookSignature.header(secret: delivery.secret, timestamp: timestamp, body: body)
        ),
      ], body: body)
    return transport.send(request)
  }

  /// Records an attempt: delivered on 2xx; otherwise due again after the schedule's backoff, or `failed` when
  /// the attempts are spent. Only while this claim still holds the row (a lease that ran out and was taken by
  /// another deliverer is theirs to record).
  func record(_ attempt: WebhookAttemptResult, of delivery: Claimed, claim: String) throws {
    let now = clock.now()
    let (status, error): (Int?, String?) =
      switch attempt {
      case .answered(let code) where (200..<300).contains(code): (code, nil)
      case .answered(let code): (code, "the receiver answered HTTP \(code)")
      case .unreachable(let reason): (nil, String(reason.prefix(500)))
      }
    try database.pool.write { connection in
      if error == nil {
        _ = try connection.execute(
          """
          UPDATE webhook_deliveries SET status = 'delivered', finished_at = ?, last_http_status = ?,
            last_error = NULL, claimed_by = NULL, claimed_until = NULL
          WHERE id = ? AND claimed_by = ?
          """, [now, status, delivery.id, claim])
      } else if schedule.isExhausted(afterAttempts: delivery.attempts) {
        _ = try connection.execute(
          """
          UPDATE webhook_deliveries SET status = 'failed', finished_at = ?, last_http_status = ?, last_error = ?,
            claimed_by = NULL, claimed_until = NULL
          WHERE id = ? AND claimed_by = ?
          """, [now, status, error, delivery.id, claim])
      } else {
        let due = now.addingTimeInterval(schedule.backoff(afterAttempt: delivery.attempts))
        _ = try connection.execute(
          """
          UPDATE webhook_deliveries SET next_attempt_at = ?, last_http_status = ?, last_error = ?,
            claimed_by = NULL, claimed_until = NULL
          WHERE id = ? AND claimed_by = ?
          """, [due, status, error, delivery.id, claim])
      }
    }
  }

  /// Gives back rows claimed but not attempted (the loop is stopping): due at once, the attempt not counted.
  func release(_ ids: [Int64], claim: String) throws {
    guard !ids.isEmpty else { return }
    try database.pool.write { connection in
      _ = try connection.execute(
        """
        UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL, attempts = attempts - 1
        WHERE claimed_by = ? AND id IN (\(SQLCondition.parameterMarks(ids.count)))
        """, [claim as any SQLBindable] + ids.map { $0 as any SQLBindable })
    }
  }
}

/// What one pass of the deliverer did.
public struct WebhookPassResult: Sendable, Equatable {
  /// Rows claimed.
  public var claimed: Int
  /// Answered 2xx.
  public var delivered = 0
  /// Failed, to be retried.
  public var retrying = 0
  /// Failed for the last time.
  public var failed = 0

  /// Creates a result.
  public init(claimed: Int, delivered: Int = 0, retrying: Int = 0, failed: Int = 0) {
    self.claimed = claimed
    self.delivered = delivered
    self.retrying = retrying
    self.failed = failed
  }
}

extension EngineSQL {
  /// What ends the claim's inner `SELECT`: PostgreSQL's `FOR UPDATE SKIP LOCKED`, so two instances claiming
  /// at once take different rows instead of waiting for each other; nothing on SQLite (one writer).
  var skipLockedRead: String { lockingRead.isEmpty ? "" : "\(lockingRead) SKIP LOCKED" }
}
