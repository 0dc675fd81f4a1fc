import HTTPServer
import RunwatchCore
import RunwatchStore

/// `GET /runs` query parameters, allow-listed: filters, page size and the keyset cursor.
///
/// Runs are listed newest first. `next` in a response is an opaque cursor; pass it back as `after` for the
/// following (older) page. Unknown parameters are ignored; a known one with a bad value is a 422 naming it.
public struct APIListQuery: Sendable, Equatable {
  /// Page size range.
  public static let limitRange = 1...200
  /// Page size when `limit` is absent.
  public static let defaultLimit = 50

  /// The filters.
  public var filter: RunFilter
  /// Page size.
  public var limit: Int
  /// Id the page starts below (exclusive), from the `after` cursor.
  public var after: Int64?

  /// Parses `query`.
  public init(query: QueryParameters) throws(APIError) {
    filter = RunFilter()
    if let text = query.first("freshness") {
      guard let value = Freshness(rawValue: text) else { throw Self.invalid("freshness", Freshness.allCases) }
      filter.freshness = value
    }
    if let text = query.first("status") {
      guard let value = RunStatus(rawValue: text) else { throw Self.invalid("status", RunStatus.allCases) }
      filter.status = value
    }
    if let text = query.first("outcome") {
      guard let value = RunOutcome(rawValue: text) else { throw Self.invalid("outcome", RunOutcome.allCases) }
      filter.outcome = value
    }
    if let text = query.first("type") {
      guard (1...100).contains(text.count), text.allSatisfy(CreateRunRequest.isTypeCharacter) else {
        throw .invalidField("type", "must be 1 to 100 characters of letters, digits and . _ - :")
      }
      filter.type = text
    }
    if let text = query.first("tenant") {
      guard let id = Self.positiveInteger(text) else {
        throw .invalidField("tenant", "must be a positive integer")
      }
      filter.tenantID = id
    }
    limit = Self.defaultLimit
    if let text = query.first("limit") {
      guard let value = Self.positiveInteger(text), Self.limitRange.contains(Int(value)) else {
        throw .invalidField("limit", "must be an integer from 1 to 200")
      }
      limit = Int(value)
    }
    if let text = query.first("after") {
      guard let cursor = Self.positiveInteger(text) else {
        throw .invalidField("after", "is not a cursor from `next`")
      }
      after = cursor
    }
  }

  /// The cursor text for the page after one ending at `runID`.
  public static func cursor(afterRunID runID: Int64) -> String { String(runID) }

  static func positiveInteger(_ text: String) -> Int64? {
    guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
      let value = Int64(text), value > 0
    else { return nil }
    return value
  }

  static func invalid<Value: RawRepresentable<String>>(_ field: String, _ cases: [Value]) -> APIError {
    .invalidField(field, "must be one of " + cases.map(\.rawValue).joined(separator: ", "))
  }
}
