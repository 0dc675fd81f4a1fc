/// An HTTP request method. A struct rather than an enum because clients may send any token, and the
/// router must still answer unknown methods (with 405 or 404) instead of failing to represent them.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The method token exactly as sent, e.g. `GET`.
  public let rawValue: String

  /// Wraps a method token; tokens are case-sensitive per RFC 9110.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// `GET`.
  public static let get = HTTPMethod(rawValue: "GET")
  /// `HEAD`: answered by GET routes; MHD omits the body on the wire.
  public static let head = HTTPMethod(rawValue: "HEAD")
  /// `POST`.
  public static let post = HTTPMethod(rawValue: "POST")
  /// `PUT`.
  public static let put = HTTPMethod(rawValue: "PUT")
  /// `PATCH`.
  public static let patch = HTTPMethod(rawValue: "PATCH")
  /// `DELETE`.
  public static let delete = HTTPMethod(rawValue: "DELETE")
  /// `OPTIONS`.
  public static let options = HTTPMethod(rawValue: "OPTIONS")

  /// The method token.
  public var description: String { rawValue }
}
