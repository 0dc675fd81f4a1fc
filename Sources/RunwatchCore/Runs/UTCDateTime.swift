import Foundation

/// A UTC date and time of day to the second, in the proleptic Gregorian calendar.
///
/// Pages format several instants per row and the API one per timestamp. Foundation's `Calendar` and
/// `Date.formatted` spend thousands of instructions on each (time zones, locales, calendar identifiers), and
/// UTC needs none of that: every day has 86,400 seconds and the calendar is arithmetic. Days and dates are
/// converted with Howard Hinnant's `civil_from_days` and `days_from_civil`
/// (https://howardhinnant.github.io/date_algorithms.html), exact for negative times and for years far past
/// 9999.
///
/// From 1582-10-15 on this agrees with Foundation's Gregorian calendar; before that Foundation switches to
/// the Julian calendar and this does not.
public struct UTCDateTime: Sendable, Hashable {
  /// The year, numbered astronomically: 0 is 1 BC, -1 is 2 BC.
  public let year: Int
  /// The month, 1 through 12.
  public let month: Int
  /// The day of the month, 1 through 31.
  public let day: Int
  /// The hour, 0 through 23.
  public let hour: Int
  /// The minute, 0 through 59.
  public let minute: Int
  /// The second, 0 through 59 (there are no leap seconds in Unix time).
  public let second: Int

  /// The instants a `Date` is clamped to: about 35 million years either side of 1970, where every
  /// component still fits and a `Double` still counts whole seconds exactly.
  static let secondsLimit: Int64 = 1 << 50

  /// The date and time from its parts, taken as given (`month` must be 1 through 12; a day past the end of
  /// the month counts on into the next one in ``secondsSince1970``).
  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    precondition((1...12).contains(month), "month must be 1 through 12")
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
  }

  /// The date and time `secondsSince1970` seconds after 1970-01-01T00:00:00Z (before it when negative).
  public init(secondsSince1970: Int64) {
    let seconds = Int(min(max(secondsSince1970, -Self.secondsLimit), Self.secondsLimit))
    let (days, secondOfDay) = Self.floorDivision(seconds, 86_400)
    // civil_from_days: shift to eras of 400 years (146,097 days) starting on 0000-03-01, so the leap day
    // is the last day of each year and every era repeats the same pattern.
    let shifted = days + 719_468
    let era = Self.floorDivision(shifted, 146_097).quotient
    let dayOfEra = shifted - era * 146_097  // 0...146_096
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March
    let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    self.init(
      year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
      day: dayOfYear - (153 * monthFromMarch + 2) / 5 + 1, hour: secondOfDay / 3600,
      minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
  }

  /// The second `date` falls in: a fraction of a second is dropped toward the past, as Foundation's
  /// calendar and ISO 8601 formatter do (10:04:05.9 is 10:04:05; half a second before 1970 is
  /// 1969-12-31T23:59:59).
  ///
  /// A `Date` holds seconds since 2001-01-01, and that is what gets floored: converting to seconds since 1970
  /// first would round an instant a hair before a whole second up to it. Instants beyond ``secondsLimit``
  /// (infinities included) are clamped and NaN reads as 2001-01-01T00:00:00Z, so formatting never traps.
  public init(_ date: Date) {
    let sinceReference = date.timeIntervalSinceReferenceDate.rounded(.down)
    let limit = Double(Self.secondsLimit)
    let clamped = sinceReference.isNaN ? 0 : min(max(sinceReference, -limit), limit)
    self.init(secondsSince1970: Int64(clamped) + 978_307_200)
  }

  /// Seconds since 1970-01-01T00:00:00Z (`days_from_civil` plus the time of day).
  public var secondsSince1970: Int64 {
    let marchYear = month <= 2 ? year - 1 : year
    let era = Self.floorDivision(marchYear, 400).quotient
    let yearOfEra = marchYear - era * 400  // 0...399
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // from March 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// `2026-11-22T10:04:05Z`: the date, `separator`, the time of day to the second, then `suffix`.
  ///
  /// Years have at least four digits (`0042`), more when they need them (`10000`), and a minus sign before
  /// year 0.
  public func formatted(separator: StaticString = "T", suffix: StaticString = "Z") -> String {
    let yearWidth = (year < 0 ? 1 : 0) + max(4, Self.digitCount(year.magnitude))
    let capacity = yearWidth + 14 + separator.utf8Count + suffix.utf8Count
    return String(unsafeUninitializedCapacity: capacity) { buffer in
      var text = ASCIIWriter(buffer)
      text.append(year: year)
      text.append(UInt8(ascii: "-"))
      text.appendTwoDigits(month)
      text.append(UInt8(ascii: "-"))
      text.appendTwoDigits(day)
      text.append(separator)
      text.appendTwoDigits(hour)
      text.append(UInt8(ascii: ":"))
      text.appendTwoDigits(minute)
      text.append(UInt8(ascii: ":"))
      text.appendTwoDigits(second)
      text.append(suffix)
      return text.count
    }
  }

  /// `14:05`, then `suffix`: the hour and minute only.
  public func formattedHourAndMinute(suffix: StaticString = "") -> String {
    String(unsafeUninitializedCapacity: 5 + suffix.utf8Count) { buffer in
      var text = ASCIIWriter(buffer)
      text.appendTwoDigits(hour)
      text.append(UInt8(ascii: ":"))
      text.appendTwoDigits(minute)
      text.append(suffix)
      return text.count
    }
  }

  /// Division rounding toward negative infinity, with a remainder that is never negative.
  private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
    let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
    return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
  }

  fileprivate static func digitCount(_ value: UInt) -> Int {
    var count = 1
    var rest = value / 10
    while rest > 0 {
      count += 1
      rest /= 10
    }
    return count
  }
}

/// Writes ASCII into a buffer sized beforehand.
private struct ASCIIWriter {
  let buffer: UnsafeMutableBufferPointer<UInt8>
  private(set) var count = 0

  init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
    self.buffer = buffer
  }

  mutating func append(_ byte: UInt8) {
    buffer[count] = byte
    count += 1
  }

  mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes in
      for byte in bytes { append(byte) }
    }
  }

  /// `value` (0...99) as two digits.
  mutating func appendTwoDigits(_ value: Int) {
    append(UInt8(truncatingIfNeeded: value / 10) &+ UInt8(ascii: "0"))
    append(UInt8(truncatingIfNeeded: value % 10) &+ UInt8(ascii: "0"))
  }

  /// A year padded to four digits, with a minus sign when negative.
  mutating func append(year: Int) {
    if year < 0 { append(UInt8(ascii: "-")) }
    let width = max(4, UTCDateTime.digitCount(year.magnitude))
    var rest = year.magnitude
    for index in stride(from: count + width - 1, through: count, by: -1) {
      buffer[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
      rest /= 10
    }
    count += width
  }
}

extension StaticString {
  /// The number of UTF-8 bytes (also for a single-scalar literal, which `utf8CodeUnitCount` rejects).
  fileprivate var utf8Count: Int { withUTF8Buffer { $0.count } }
}
