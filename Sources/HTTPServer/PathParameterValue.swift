/// A type a router path parameter can be read as, via `HTTPRequest.pathParameter(_:as:)`.
public protocol PathParameterValue: Sendable {
  /// Converts an allow-listed raw segment; nil when it does not fit the type.
  init?(pathParameter: String)
}

extension String: PathParameterValue {
  /// The segment itself.
  public init?(pathParameter: String) { self = pathParameter }
}

extension Int64: PathParameterValue {
  /// A positive identifier of 1–18 ASCII digits; anything else (signs, spaces, 0) is nil.
  public init?(pathParameter: String) {
    guard let value = PathParameterKind.positiveID(pathParameter) else { return nil }
    self = value
  }
}

extension Int: PathParameterValue {
  /// A positive identifier of 1–18 ASCII digits, as for `Int64`.
  public init?(pathParameter: String) {
    guard let value = PathParameterKind.positiveID(pathParameter) else { return nil }
    self = Int(value)
  }
}
