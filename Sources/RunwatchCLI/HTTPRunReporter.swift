import Foundation
import RunwatchCore

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Reports through the worker API (`--server URL --token T`), exactly as any other worker would.
struct HTTPRunReporter: RunReporter {
  /// The server's base URL (`http://127.0.0.1:8080`); `/api/v1` is appended.
  let server: URL
  /// The bearer secret.
  let token: String

  func location(of runID: Int64) -> String {
    server.appendingPathComponent("operations/\(runID)").absoluteString
  }

  func create(type: String, tenantID: Int64?, initiator: String?, context: JSONValue) throws -> CreatedRun {
    let body: JSONValue = [
      "type": .string(type), "tenant_id": tenantID.map { .number(Double($0)) } ?? .null,
      "initiator": initiator.map(JSONValue.string) ?? .null, "context": context,
    ]
    let (status, json) = try post("/runs", body)
    guard status == 201, let id = json["id"]?.numberValue else {
      throw CLIError("could not create the run: \(Self.describe(status, json))")
    }
    return CreatedRun(
      id: Int64(id), heartbeatTimeoutSeconds: json["heartbeat_timeout_seconds"]?.numberValue.map { Int($0) })
  }

  func start(runID: Int64, worker: WorkerIdentity) throws -> ReportAnswer {
    let body: JSONValue = [
      "worker": [
        "host": .string(worker.host), "pid": worker.pid.map { .number(Double($0)) } ?? .null,
        "name": worker.name.map(JSONValue.string) ?? .null,
      ]
    ]
    return try answer(post("/runs/\(runID)/start", body), doing: "start")
  }

  func heartbeat(runID: Int64, counts: [String: Int64]) throws -> ReportAnswer {
    try answer(
      post("/runs/\(runID)/heartbeat", ["summary_counts": Self.countsJSON(counts)]), doing: "heartbeat")
  }

  func complete(runID: Int64, outcome: RunOutcome, counts: [String: Int64], failures: [RunFailure]) throws
    -> ReportAnswer
  {
    let body: JSONValue = [
      "outcome": .string(outcome.rawValue), "summary_counts": Self.countsJSON(counts),
      "failures": .array(failures.map { ["code": .string($0.code), "message": .string($0.message)] }),
    ]
    return try answer(post("/runs/\(runID)/complete", body), doing: "complete")
  }

  private func answer(_ reply: (Int, JSONValue), doing what: String) throws -> ReportAnswer {
    switch reply.0 {
    case 200..<300: return .accepted
    case 409: return .refused(reply.1["error"]?["message"]?.stringValue ?? "the run is no longer active")
    default: throw CLIError("\(what) failed: \(Self.describe(reply.0, reply.1))")
    }
  }

  static func describe(_ status: Int, _ json: JSONValue) -> String {
    let message = json["error"]?["message"]?.stringValue ?? "no error message"
    return "HTTP \(status): \(message)"
  }

  static func countsJSON(_ counts: [String: Int64]) -> JSONValue {
    .object(counts.mapValues { .number(Double($0)) })
  }

  /// POSTs `body` as JSON and waits for the answer (30 s timeout).
  private func post(_ path: String, _ body: JSONValue) throws -> (Int, JSONValue) {
    var request = URLRequest(url: server.appendingPathComponent("api/v1" + path), timeoutInterval: 30)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.httpBody = Data(body.jsonText.utf8)
    let reply = ReplyBox()
    let done = DispatchSemaphore(value: 0)
    let task = URLSession.shared.dataTask(with: request) { data, response, error in
      reply.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
      done.signal()
    }
    task.resume()
    done.wait()
    let (data, status, error) = reply.get()
    guard let status else {
      throw ReporterUnreachable(
        description:
          "cannot reach \(server.absoluteString): \(error.map { "\($0.localizedDescription)" } ?? "no answer")"
      )
    }
    let json = data.flatMap { JSONValue(jsonText: String(decoding: $0, as: UTF8.self)) } ?? .null
    return (status, json)
  }
}

/// Carries a URLSession completion across threads.
///
/// `@unchecked Sendable`: written once by the completion handler before the semaphore is signalled and read
/// only after waiting on it, under `lock` both times.
private final class ReplyBox: @unchecked Sendable {
  private let lock = NSLock()
  private var data: Data?
  private var status: Int?
  private var error: (any Error)?

  func set(data: Data?, status: Int?, error: (any Error)?) {
    lock.withLock {
      self.data = data
      self.status = status
      self.error = error
    }
  }

  func get() -> (Data?, Int?, (any Error)?) { lock.withLock { (data, status, error) } }
}
