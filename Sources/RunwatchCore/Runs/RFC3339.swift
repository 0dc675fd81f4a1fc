import Foundation

/// RFC 3339 UTC formatting used by the API, evidence and audit metadata.
public enum RFC3339 {
  /// Formats `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC, dropping any fraction of a second toward the past
  /// (the way `Date.formatted(.iso8601)` does, which this replaced).
  public static func string(from date: Date) -> String {
    UTCDateTime(date).formatted(separator: "T", suffix: "Z")
  }
}
