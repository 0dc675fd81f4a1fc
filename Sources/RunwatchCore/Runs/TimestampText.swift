import Foundation

/// `RFC3339.string(from:)`'s text (`2026-11-22T10:00:00Z`), computed with integer arithmetic.
///
/// `Date.formatted(.iso8601…)` goes through a calendar and costs about 5,000 instructions a call; the API's run
/// object holds four timestamps and a heartbeat writes one every time. For instants from 1970 to the end of 9999
/// this gives the same text (seconds rounded down, proleptic Gregorian, UTC — checked against `RFC3339` by a
/// property test); for anything else it asks `RFC3339` itself, whose calendar turns Julian before 1582.
public enum TimestampText {
  /// Seconds between 2001-01-01 (`Date`'s reference) and 1970-01-01.
  private static let referenceToUnix: Int64 = 978_307_200
  /// First second of 10000-01-01, as Unix seconds.
  private static let endOfYear9999: Int64 = 253_402_300_800

  /// `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC.
  public static func rfc3339(_ date: Date) -> String {
    let reference = date.timeIntervalSinceReferenceDate.rounded(.down)
    guard reference.isFinite, abs(reference) < 1e12 else { return RFC3339.string(from: date) }
    let seconds = Int64(reference) + referenceToUnix
    guard seconds >= 0, seconds < endOfYear9999 else { return RFC3339.string(from: date) }
    let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
    let (year, month, day) = civilDate(daysSince1970: days)
    return String(unsafeUninitializedCapacity: 20) { buffer in
      var index = 0
      func put(_ value: Int64, digits: Int) {
        var value = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
          buffer[index + offset] = UInt8(ascii: "0") + UInt8(value % 10)
          value /= 10
        }
        index += digits
      }
      func put(_ byte: Unicode.Scalar) {
        buffer[index] = UInt8(ascii: byte)
        index += 1
      }
      put(year, digits: 4)
      put("-")
      put(month, digits: 2)
      put("-")
      put(day, digits: 2)
      put("T")
      put(secondOfDay / 3600, digits: 2)
      put(":")
      put(secondOfDay / 60 % 60, digits: 2)
      put(":")
      put(secondOfDay % 60, digits: 2)
      put("Z")
      return index
    }
  }

  /// Year, month and day of the proleptic Gregorian calendar for a day count from 1970-01-01 (not negative),
  /// by Howard Hinnant's `civil_from_days`.
  static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let shifted = days + 719_468  // Days since 0000-03-01.
    let era = shifted / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
