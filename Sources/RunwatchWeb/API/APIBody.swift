import Foundation
import HTTPServer
import RunwatchCore

/// A request body decoded as a JSON object, with readers that allow-list each field and name it in a 422.
///
/// Rules (documented in docs/openapi.yaml): an empty body counts as `{}` whatever its content type (so
/// `POST /runs/{id}/start` needs none); a non-empty body must be `application/json` (or `…+json`, UTF-8)
/// → 415 otherwise; it must parse → 400; it must be an object → 422 naming `body`. Unknown members are
/// ignored so workers written against a newer API keep working against an older server.
public struct APIBody: Sendable {
  /// The members of the top-level object.
  public let members: [String: JSONValue]

  /// Longest free-text message kept (failure and exception messages); longer ones are cut, not refused, so a
  /// failure report is never lost to an over-long stack trace.
  public static let maximumMessageLength = 2000

  /// Wraps already-decoded members (tests).
  public init(members: [String: JSONValue]) { self.members = members }

  /// Decodes `request`'s body under the rules above.
  public init(request: HTTPRequest) throws(APIError) {
    guard !request.body.isEmpty else {
      members = [:]
      return
    }
    guard Self.isJSON(contentType: request.headers["Content-Type"]) else { throw .unsupportedMediaType() }
    let value: JSONValue
    do {
      value = try JSONParser.parse(request.body)
    } catch {
      throw .malformedJSON(error.description)
    }
    guard let object = value.objectValue else {
      throw .invalidField("body", "must be a JSON object")
    }
    members = object
  }

  /// Whether a `Content-Type` value names JSON: `application/json` or `application/<x>+json`, with no
  /// charset other than UTF-8.
  public static func isJSON(contentType: String?) -> Bool {
    guard let contentType else { return false }
    if contentType == "application/json" { return true }  // What every worker sends; no parsing needed.
    let parts = contentType.split(separator: ";").map {
      $0.trimmingCharacters(in: .whitespaces).lowercased()
    }
    guard let mediaType = parts.first else { return false }
    let isJSONType =
      mediaType == "application/json"
      || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    guard isJSONType else { return false }
    for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
      let charset = parameter.dropFirst("charset=".count).trimmingCharacters(
        in: CharacterSet(charactersIn: "\""))
      if charset != "utf-8" && charset != "utf8" { return false }
    }
    return true
  }

  /// A string member: absent or null → nil; otherwise 1…`maximumLength` characters, each allowed by
  /// `allowed` when given.
  public func string(
    _ name: String, maximumLength: Int, allowed: ((Character) -> Bool)? = nil
  ) throws(APIError) -> String? {
    guard let value = members[name], value != .null else { return nil }
    return try Self.boundedString(value, field: name, maximumLength: maximumLength, allowed: allowed)
  }

  /// A required string member (see `string(_:maximumLength:allowed:)`).
  public func requiredString(
    _ name: String, maximumLength: Int, allowed: ((Character) -> Bool)? = nil
  ) throws(APIError) -> String {
    guard let text = try string(name, maximumLength: maximumLength, allowed: allowed) else {
      throw .invalidField(name, "is required")
    }
    return text
  }

  /// A free-text member: absent or null → nil; any string, cut to `maximumMessageLength` characters.
  public func message(_ name: String) throws(APIError) -> String? {
    guard let value = members[name], value != .null else { return nil }
    guard let text = value.stringValue else { throw .invalidField(name, "must be a string") }
    return Self.truncated(text)
  }

  /// A positive integer id member: absent or null → nil.
  public func identifier(_ name: String) throws(APIError) -> Int64? {
    guard let value = members[name], value != .null else { return nil }
    guard let number = value.numberValue, number.rounded() == number, number >= 1, number <= 9e15 else {
      throw .invalidField(name, "must be a positive integer id or null")
    }
    return Int64(number)
  }

  /// A required member whose string value is one of `allowed`.
  public func choice(_ name: String, allowed: [String]) throws(APIError) -> String {
    guard let value = members[name], value != .null else { throw .invalidField(name, "is required") }
    guard let text = value.stringValue, allowed.contains(text) else {
      throw .invalidField(name, "must be one of " + allowed.joined(separator: ", "))
    }
    return text
  }

  /// An object member: absent or null → `{}`.
  public func object(_ name: String) throws(APIError) -> JSONValue {
    guard let value = members[name], value != .null else { return .emptyObject }
    guard value.objectValue != nil else { throw .invalidField(name, "must be a JSON object") }
    return value
  }

  /// Progress counts: absent or null → `[:]`; otherwise an object of at most 100 names to whole numbers from
  /// 0 to 2^53−1. A string, fraction, negative or Boolean value is a 422 naming it. Names are not restricted
  /// beyond the body limit (OpenAPI 3.0 cannot describe a rule on names, and clients must be able to know
  /// what is valid from the schema); pages escape them like any other text.
  public func counts(_ name: String) throws(APIError) -> [String: Int64] {
    guard let value = members[name], value != .null else { return [:] }
    guard let object = value.objectValue else { throw .invalidField(name, "must be an object of counts") }
    guard object.count <= 100 else { throw .invalidField(name, "must hold at most 100 counts") }
    var counts: [String: Int64] = [:]
    for (key, count) in object {
      let field = "\(name).\(key)"
      guard let number = count.numberValue else { throw .invalidField(field, "must be a number") }
      guard number.rounded() == number, number >= 0, number <= 9_007_199_254_740_991 else {
        throw .invalidField(field, "must be a whole number from 0 to 9007199254740991")
      }
      counts[key] = Int64(number)
    }
    return counts
  }

  /// Failure lines: absent or null → `[]`; otherwise at most 100 objects with a `code` (1–100 characters)
  /// and a `message` (string, cut to `maximumMessageLength`).
  public func failures(_ name: String) throws(APIError) -> [RunFailure] {
    guard let value = members[name], value != .null else { return [] }
    guard case .array(let items) = value else { throw .invalidField(name, "must be an array") }
    guard items.count <= 100 else { throw .invalidField(name, "must hold at most 100 failures") }
    var failures: [RunFailure] = []
    for (index, item) in items.enumerated() {
      guard let member = item.objectValue else {
        throw .invalidField("\(name)[\(index)]", "must be an object")
      }
      let item = APIBody(members: member)
      let prefix = "\(name)[\(index)]."
      let code = try item.prefixed(prefix) { () throws(APIError) -> String in
        try item.requiredString("code", maximumLength: 100)
      }
      let message = try item.prefixed(prefix) { () throws(APIError) -> String? in try item.message("message")
      }
      failures.append(RunFailure(code: code, message: message ?? ""))
    }
    return failures
  }

  /// Runs `read` and, if it fails on a field, names the field with `prefix` (for nested members).
  private func prefixed<T>(_ prefix: String, _ read: () throws(APIError) -> T) throws(APIError) -> T {
    do {
      return try read()
    } catch {
      var error = error
      if let field = error.field {
        error.field = prefix + field
        error.message = prefix + error.message
      }
      throw error
    }
  }

  static func boundedString(
    _ value: JSONValue, field: String, maximumLength: Int, allowed: ((Character) -> Bool)?
  ) throws(APIError) -> String {
    guard let text = value.stringValue else { throw .invalidField(field, "must be a string") }
    guard (1...maximumLength).contains(text.count) else {
      throw .invalidField(field, "must be 1 to \(maximumLength) characters")
    }
    if let allowed, !text.allSatisfy(allowed) {
      throw .invalidField(field, "contains a character not allowed")
    }
    return text
  }

  static func truncated(_ text: String) -> String {
    text.count <= maximumMessageLength ? text : String(text.prefix(maximumMessageLength - 1)) + "…"
  }
}
