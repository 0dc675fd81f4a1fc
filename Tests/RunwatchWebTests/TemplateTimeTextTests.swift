import Foundation
import RunwatchDemo
import RunwatchStore
import RunwatchTemplates
import TestStorage
import Testing

/// `TimeText.absoluteUTC` and `clockUTC` dropped `Calendar` and `String(format:)`; they must print what the
/// former code printed for every instant from 1900 to 2300.
@Suite("Template time text")
struct TemplateTimeTextTests {
  /// The former implementation, kept as the reference.
  enum Former {
    static let utcCalendar: Calendar = {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = TimeZone(identifier: "UTC")!
      return calendar
    }()

    static func absoluteUTC(_ date: Date) -> String {
      let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
      return String(
        format: "%04d-%02d-%02d %02d:%02d:%02d UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
        parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    static func clockUTC(_ date: Date) -> String {
      let parts = utcCalendar.dateComponents([.hour, .minute], from: date)
      return String(format: "%02d:%02d UTC", parts.hour ?? 0, parts.minute ?? 0)
    }
  }

  /// Instants from 1900 to 2300: with fractions, whole, a hair either side of a whole second (built from
  /// seconds since 2001, which a `Date` stores, and since 1970), and either side of midnight.
  static func instants(count: Int) -> [Date] {
    var random = SplitMix64(seed: 1900_2300)
    let start = -2_208_988_800  // 1900-01-01
    let end = 10_413_792_000  // 2300-01-01
    let nudges = [0, 1e-9, -1e-9, 1e-6, -1e-6, 0.5, -0.5, 0.999_999, -0.999_999]
    return (0..<count).map { index in
      let whole = random.int(in: start...end)
      switch index % 4 {
      case 0: return Date(timeIntervalSince1970: Double(whole) + random.unit())
      case 1: return Date(timeIntervalSince1970: Double(whole))
      case 2:
        let nudge = nudges[random.int(in: 0...(nudges.count - 1))]
        return index % 8 == 2
          ? Date(timeIntervalSinceReferenceDate: Double(whole - 978_307_200) + nudge)
          : Date(timeIntervalSince1970: Double(whole) + nudge)
      default:
        let midnight = Double(whole / 86_400 * 86_400 - 978_307_200)
        return Date(timeIntervalSinceReferenceDate: midnight + [0, -1e-9, -1, 1][index / 4 % 4])
      }
    }
  }

  @Test func absoluteAndClockTextMatchTheFormerCodeOn20000Instants() {
    let mismatches = Self.instants(count: 20_000).filter {
      TimeText.absoluteUTC($0) != Former.absoluteUTC($0) || TimeText.clockUTC($0) != Former.clockUTC($0)
    }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) differ, first: \(mismatches.prefix(3).map(\.timeIntervalSinceReferenceDate))")
  }

  @Test func knownInstants() {
    #expect(TimeText.absoluteUTC(Date(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59 UTC")
    #expect(TimeText.absoluteUTC(Date(timeIntervalSince1970: 951_825_599.9)) == "2000-02-29 11:59:59 UTC")
    #expect(TimeText.clockUTC(Date(timeIntervalSince1970: -60)) == "23:59 UTC")
  }
}
