import Foundation
import RunwatchCore
import RunwatchStore

/// `POST /runs`: what to create. The workspace comes from the token, never from the body.
public struct CreateRunRequest: Sendable, Equatable {
  /// Operation type: 1–100 characters of letters, digits and `. _ - :`. Unknown types are accepted (their
  /// freshness is `unknown` and they are never reconciled).
  public var type: String
  /// Tenant id in the token's workspace, or nil for a workspace-level run.
  public var tenantID: Int64?
  /// E-mail of a member of the token's workspace, or nil for a system run.
  public var initiatorEmail: String?
  /// Free-form context object.
  public var context: JSONValue
  /// The domain record whose status decides the run when it turns terminal (`linked_record: {kind, id,
  /// status}`; status defaults to `pending`), or nil.
  public var linkedRecord: LinkedRecord?

  /// Reads and allow-lists the fields of `body`.
  public init(body: APIBody) throws(APIError) {
    try body.refuseNUL(in: "type", "initiator")
    type = try body.requiredString("type", maximumLength: 100, allowed: Self.isTypeCharacter)
    tenantID = try body.identifier("tenant_id")
    initiatorEmail = try body.string("initiator", maximumLength: 254)
    context = try body.object("context")
    linkedRecord = try Self.linkedRecord(body.members["linked_record"])
  }

  static func linkedRecord(_ value: JSONValue?) throws(APIError) -> LinkedRecord? {
    guard let value, value != .null else { return nil }
    guard case .object(let members) = value else {
      throw .invalidField("linked_record", "must be an object {kind, id, status} or null")
    }
    let record = APIBody(members: members)
    do {
      let kind = try LinkedRecordRequest.kind(record.requiredString("kind", maximumLength: 100))
      let id = try LinkedRecordRequest.recordID(record.requiredString("id", maximumLength: 200))
      let status =
        try record.string("status", maximumLength: 100).map(LinkedRecordRequest.status) ?? "pending"
      return LinkedRecord(kind: kind, externalID: id, status: status)
    } catch {
      throw .invalidField("linked_record." + (error.field ?? "kind"), error.message)
    }
  }

  /// Characters allowed in a type name.
  public static func isTypeCharacter(_ character: Character) -> Bool {
    character.isASCII && (character.isLetter || character.isNumber || "._-:".contains(character))
  }
}

/// `POST /runs/{id}/start`: optionally, the worker that starts the run (`worker: {host, pid, name}`), shown on
/// the run's page so an operator knows where to look when it stops reporting.
public struct StartRequest: Sendable, Equatable {
  /// The worker, when it said.
  public var worker: WorkerIdentity?

  /// Reads and allow-lists `worker`: `host` 1–253 printable characters, `pid` a positive integer up to
  /// 2^31 − 1, `name` up to 200 printable characters; unknown members are ignored.
  public init(body: APIBody) throws(APIError) {
    guard let value = body.members["worker"], value != .null else {
      worker = nil
      return
    }
    guard case .object(let members) = value else {
      throw .invalidField("worker", "must be an object or null")
    }
    guard let host = members["host"]?.stringValue, (1...253).contains(host.count), Self.isPrintable(host)
    else {
      throw .invalidField("worker.host", "must be 1–253 printable characters")
    }
    var pid: Int64?
    if let number = members["pid"], number != .null {
      guard let value = number.numberValue, value.rounded() == value, value >= 1, value <= 2_147_483_647
      else {
        throw .invalidField("worker.pid", "must be a positive integer or null")
      }
      pid = Int64(value)
    }
    var name: String?
    if let text = members["name"], text != .null {
      guard let value = text.stringValue, value.count <= 200, Self.isPrintable(value) else {
        throw .invalidField("worker.name", "must be at most 200 printable characters or null")
      }
      name = value
    }
    worker = WorkerIdentity(host: host, pid: pid, name: name)
  }

  /// No control characters (NUL, newlines, escapes): the values end up on a page and in logs.
  static func isPrintable(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control }
  }
}

/// `POST /runs/{id}/heartbeat`: progress counts, merged into the stored ones.
public struct HeartbeatRequest: Sendable, Equatable {
  /// Counts to merge.
  public var summaryCounts: [String: Int64]

  /// Reads `summary_counts` from `body`.
  public init(body: APIBody) throws(APIError) {
    summaryCounts = try body.counts("summary_counts")
  }
}

/// `POST /runs/{id}/complete`: the worker's final word.
public struct CompleteRunRequest: Sendable, Equatable {
  /// A terminal outcome (`pending` is refused).
  public var outcome: RunOutcome
  /// Final counts, merged into the stored ones.
  public var summaryCounts: [String: Int64]
  /// Failure lines.
  public var failures: [RunFailure]

  /// Reads `outcome`, `summary_counts` and `failures` from `body`.
  public init(body: APIBody) throws(APIError) {
    let name = try body.choice("outcome", allowed: RunOutcome.terminalOutcomes.map(\.rawValue))
    outcome = RunOutcome(rawValue: name) ?? .failed
    summaryCounts = try body.counts("summary_counts")
    failures = try body.failures("failures")
  }
}

/// `POST /runs/{id}/queue-failure`: the queue's failure callback, for the direct bridge.
public struct QueueFailureRequest: Sendable, Equatable {
  /// What the queue said, as the lifecycle service takes it.
  public var report: QueueFailureReport

  /// Reads `kind`, `exception_class` (≤ 255 characters) and `message` (cut to 2000) from `body`.
  public init(body: APIBody) throws(APIError) {
    try body.refuseNUL(in: "kind", "exception_class")
    let kindName = try body.choice("kind", allowed: QueueFailureReport.Kind.allCases.map(\.rawValue))
    report = QueueFailureReport(
      kind: QueueFailureReport.Kind(rawValue: kindName) ?? .exception,
      exceptionClass: try body.string("exception_class", maximumLength: 255),
      message: try body.message("message"))
  }
}

/// `PUT /linked-records/{kind}/{record_id}`: a domain record's status, recorded on the active runs linked to it.
public struct LinkedRecordRequest: Sendable, Equatable {
  /// The record's kind (path).
  public var kind: String
  /// The record's id in the system that owns it (path, percent-decoded).
  public var recordID: String
  /// Its status now (`status` in the body): terminal ones (see `LinkedRecordOutcome`) complete the runs.
  public var status: String

  /// Reads the path's `kind` and `record_id` (already 1–200 characters without control characters) and the
  /// body's `status`.
  public init(kind: String, recordID: String, body: APIBody) throws(APIError) {
    self.kind = try Self.kind(kind)
    self.recordID = try Self.recordID(recordID)
    self.status = try Self.status(body.requiredString("status", maximumLength: 100))
  }

  /// A kind: 1–100 characters of letters, digits and `. _ - :` (like a run type).
  static func kind(_ text: String) throws(APIError) -> String {
    guard (1...100).contains(text.count), text.allSatisfy(CreateRunRequest.isTypeCharacter) else {
      throw .invalidField("kind", "must be 1–100 characters of letters, digits and . _ - :")
    }
    return text
  }

  /// A record id: 1–200 printable characters.
  static func recordID(_ text: String) throws(APIError) -> String {
    guard (1...200).contains(text.count), StartRequest.isPrintable(text) else {
      throw .invalidField("id", "must be 1–200 printable characters")
    }
    return text
  }

  /// A status: 1–100 characters of letters, digits, spaces and `. _ - :`, at least one letter or digit.
  static func status(_ text: String) throws(APIError) -> String {
    guard text.allSatisfy({ $0 == " " || CreateRunRequest.isTypeCharacter($0) }),
      text.contains(where: { $0.isASCII && ($0.isLetter || $0.isNumber) })
    else {
      throw .invalidField("status", "must be 1–100 characters of letters, digits, spaces and . _ - :")
    }
    return text
  }
}

extension APIBody {
  /// Refuses a NUL character in the string members `names` (identifiers: type, e-mail, kind, class names) with a
  /// 422 naming the field. C code that reads such a value stops at the NUL, so `"olivia@…\u{0}-not-olivia"`
  /// could otherwise be taken for Olivia somewhere down the line. Free text (messages, context) may hold one.
  func refuseNUL(in names: String...) throws(APIError) {
    for name in names {
      if let text = members[name]?.stringValue, text.utf8.contains(0) {
        throw .invalidField(name, "must not contain a NUL character")
      }
    }
  }
}
