import Foundation

/// RFC 3339 UTC formatting used by the API, evidence and audit metadata.
public enum RFC3339 {
  /// Formats `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC.
  public static func string(from date: Date) -> String {
    date.formatted(
      .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
        .timeSeparator(.colon).timeZone(separator: .omitted))
  }
}
