import Foundation
import RunwatchCore
import SecretKit
import Synchronization
import Testing

@testable import RunwatchStore

/// The deliverer (#17): signed POSTs of due outbox rows, retries with capped exponential backoff on a moved
/// clock, given up after the last attempt with the error kept, a lease so two deliverers never send one row
/// at once, and claims given back on stop.
@Suite struct WebhookDelivererTests {
  /// Answers with scripted results in order (then the last one again) and keeps every request.
  final class ScriptedTransport: WebhookTransport {
    private let state: Mutex<(answers: [WebhookAttemptResult], requests: [WebhookRequest])>

    init(_ answers: [WebhookAttemptResult]) { state = Mutex((answers, [])) }

    func send(_ request: WebhookRequest) -> WebhookAttemptResult {
      state.withLock { state in
        state.requests.append(request)
        return state.answers.count > 1 ? state.answers.removeFirst() : state.answers[0]
      }
    }

    var requests: [WebhookRequest] { state.withLock { $0.requests } }
  }

  struct World {
    let fixture: TestFixture
    let transport: ScriptedTransport
    let deliverer: WebhookDeliverer
    let secret: String

    init(
      answers: [WebhookAttemptResult], format: WebhookFormat = .runwatch,
      schedule: WebhookRetrySchedule = WebhookRetrySchedule(maximumBackoff: 8, maximumAttempts: 6)
    ) throws {
      fixture = try TestFixture()
      transport = ScriptedTransport(answers)
      secret = try fixture.database.addWebhook(
        workspaceID: fixture.workspace.id, url: "https://hooks.example.com/in", secret: "s3cret",
        events: .all,
        format: format, at: fixture.clock.now()
      ).secret
      deliverer = WebhookDeliverer(
        database: fixture.database, clock: fixture.clock, transport: transport, schedule: schedule,
        publicURL: "https://runwatch.example.com/")
    }

    func finishedRun(_ outcome: RunOutcome = .failed) throws -> OperationRun {
      let run = try fixture.createRun()
      _ = try fixture.lifecycle.complete(runID: run.id, outcome: outcome, by: fixture.worker)
      return run
    }

    func delivery() throws -> WebhookDelivery {
      try #require(try fixture.database.webhookDeliveries(workspaceID: fixture.workspace.id).items.first)
    }
  }

  @Test func aDeliveryIsSignedAndCarriesItsIdEventAndRunLink() throws {
    let world = try World(answers: [.answered(status: 204)])
    let run = try world.finishedRun()
    #expect(try world.deliverer.deliverDue() == WebhookPassResult(claimed: 1, delivered: 1))
    let request = try #require(world.transport.requests.first)
    let delivery = try world.delivery()
    #expect(delivery.status == .delivered && delivery.attempts == 1 && delivery.lastHTTPStatus == 204)
    #expect(request.url.absoluteString == "https://hooks.example.com/in")
    #expect(request.header("X-Runwatch-Delivery") == String(delivery.id))
    #expect(request.header("X-Runwatch-Event") == "run.failed")
    let timestamp = try #require(request.header("X-Runwatch-Timestamp").flatMap(Int64.init))
    #expect(timestamp == Int64(world.fixture.clock.now().timeIntervalSince1970))
    let expected = try WebhookSignature.header(secret: world.secret, timestamp: timestamp, body: request.body)
    #expect(request.header("X-Runwatch-Signature") == expected)
    let body = try #require(JSONValue(jsonText: String(decoding: request.body, as: UTF8.self)))
    #expect(body["event"]?.stringValue == "run.failed")
    #expect(body["delivery_id"]?.stringValue == String(delivery.id))
    #expect(body["run"]?["url"]?.stringValue == "https://runwatch.example.com/operations/\(run.id)")
    #expect(body["run"]?["outcome"]?.stringValue == "failed")
    #expect(body["workspace"]?["slug"]?.stringValue == "acme")
    // Delivered once: the next pass finds nothing.
    #expect(try world.deliverer.deliverDue() == WebhookPassResult(claimed: 0))
  }

  @Test func slackGetsTextWithTheRunLink() throws {
    let world = try World(answers: [.answered(status: 200)], format: .slack)
    let run = try world.finishedRun()
    try world.deliverer.deliverDue()
    let request = try #require(world.transport.requests.first)
    let body = try #require(JSONValue(jsonText: String(decoding: request.body, as: UTF8.self)))
    #expect(body.objectValue?.keys.sorted() == ["text"])
    let text = try #require(body["text"]?.stringValue)
    #expect(
      text.hasPrefix("<https://runwatch.example.com/operations/\(run.id)|Policy sync #\(run.id)> failed"))
    #expect(text.contains("Contoso"))
  }

  @Test func failuresAreRetriedWithCappedExponentialBackoffThenDeliveredOnce() throws {
    let world = try World(
      answers: [
        .answered(status: 500), .unreachable("connection refused"), .answered(status: 503),
        .answered(status: 200),
      ])
    _ = try world.finishedRun()
    var waits: [TimeInterval] = []
    for _ in 0..<3 {
      #expect(try world.deliverer.deliverDue().retrying == 1)
      let delivery = try world.delivery()
      #expect(delivery.status == .pending)
      let wait = delivery.nextAttemptAt.timeIntervalSince(world.fixture.clock.now())
      waits.append(wait)
      // Not due before its time.
      world.fixture.clock.advance(by: wait - 0.5)
      #expect(try world.deliverer.deliverDue().claimed == 0)
      world.fixture.clock.advance(by: 0.5)
    }
    #expect(waits == [1, 2, 4])
    #expect(try world.delivery().lastError == "the receiver answered HTTP 503")
    #expect(try world.deliverer.deliverDue().delivered == 1)
    let delivered = try world.delivery()
    #expect(delivered.status == .delivered && delivered.attempts == 4 && delivered.lastError == nil)
    #expect(Set(world.transport.requests.compactMap { $0.header("X-Runwatch-Delivery") }).count == 1)
    #expect(try world.deliverer.deliverDue().claimed == 0)
    #expect(WebhookRetrySchedule.standard.backoff(afterAttempt: 20) == 300)
  }

  @Test func aDeliveryIsGivenUpAfterItsLastAttemptWithItsError() throws {
    let world = try World(
      answers: [.answered(status: 502)], schedule: WebhookRetrySchedule(maximumBackoff: 2, maximumAttempts: 3)
    )
    _ = try world.finishedRun()
    for _ in 0..<3 {
      try world.deliverer.deliverDue()
      world.fixture.clock.advance(by: 2)
    }
    let failed = try world.delivery()
    #expect(failed.status == .failed && failed.attempts == 3 && failed.lastHTTPStatus == 502)
    #expect(failed.lastError == "the receiver answered HTTP 502")
    world.fixture.clock.advance(by: 3600)
    #expect(try world.deliverer.deliverDue().claimed == 0)
    #expect(world.transport.requests.count == 3)
  }

  @Test func aClaimedRowIsNotClaimedAgainUntilItsLeaseRunsOut() throws {
    let world = try World(answers: [.answered(status: 200)])
    _ = try world.finishedRun()
    _ = try world.finishedRun()
    // A deliverer that died after claiming: its rows are leased, not lost.
    let claimed = try world.deliverer.claim(as: "dead-deliverer")
    #expect(claimed.count == 2)
    #expect(try world.deliverer.deliverDue().claimed == 0)
    world.fixture.clock.advance(by: world.deliverer.lease + 1)
    #expect(try world.deliverer.deliverDue() == WebhookPassResult(claimed: 2, delivered: 2))
    // The dead one's late record changes nothing: the rows are someone else's now.
    try world.deliverer.record(.answered(status: 500), of: claimed[0], claim: "dead-deliverer")
    #expect(
      try world.fixture.database.webhookDeliveries(workspaceID: world.fixture.workspace.id).items.allSatisfy {
        $0.status == .delivered
      })
  }

  @Test func aStoppingDelivererGivesBackWhatItDidNotSendAndSQLiteReleasesAbandonedClaims() throws {
    let world = try World(answers: [.answered(status: 200)])
    for _ in 0..<3 { _ = try world.finishedRun() }
    let sent = Mutex(0)
    let result = try world.deliverer.deliverDue(shouldContinue: {
      sent.withLock { count in
        count += 1; return count <= 1
      }
    })
    #expect(result == WebhookPassResult(claimed: 3, delivered: 1))
    let page = try world.fixture.database.webhookDeliveries(workspaceID: world.fixture.workspace.id).items
    #expect(page.filter { $0.status == .pending }.map(\.attempts) == [0, 0])
    #expect(try world.deliverer.deliverDue().delivered == 2)

    _ = try world.finishedRun()
    _ = try world.deliverer.claim(as: "crashed")
    try world.deliverer.releaseAbandonedClaims()
    #expect(try world.deliverer.deliverDue().delivered == 1)
    #expect(world.transport.requests.count == 4)
  }

  @Test func nothingIsSentBeforeThePublicURLIsKnown() throws {
    let world = try World(answers: [.answered(status: 200)])
    _ = try world.finishedRun()
    let unknown = WebhookDeliverer(
      database: world.fixture.database, clock: world.fixture.clock, transport: world.transport,
      publicURL: { nil })
    #expect(try unknown.deliverDue().claimed == 0)
    #expect(world.transport.requests.isEmpty)
  }
}
