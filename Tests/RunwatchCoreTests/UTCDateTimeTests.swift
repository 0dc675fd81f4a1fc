import Foundation
import RunwatchCore
import Testing

/// `UTCDateTime` replaced Foundation's ISO 8601 formatter in `RFC3339.string(from:)`: it must print the same
/// text for every instant a run can have, and be a correct calendar beyond that.
@Suite struct UTCDateTimeTests {
  /// What `RFC3339.string(from:)` was before `UTCDateTime`: the reference every instant is checked against.
  static func foundationRFC3339(_ date: Date) -> String {
    date.formatted(
      .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
        .timeSeparator(.colon).timeZone(separator: .omitted))
  }

  @Test func rfc3339MatchesFoundationOn20000InstantsFrom1900To2300() {
    var random = TestRandom(seed: 0x3339)
    let instants = TestInstants.sample(count: 20_000, years: 1900...2300, using: &random)
    let mismatches = instants.filter { RFC3339.string(from: $0) != Self.foundationRFC3339($0) }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) differ, first: \(mismatches.prefix(5).map(TestInstants.describe))")
  }

  @Test func rfc3339MatchesFoundationForEveryGregorianYearUpTo10000() {
    var random = TestRandom(seed: 1583)
    let instants =
      TestInstants.sample(count: 4_000, years: 1583...9999, using: &random)
      + TestInstants.boundaries(ofYear: 10_000)
    let mismatches = instants.filter { RFC3339.string(from: $0) != Self.foundationRFC3339($0) }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) differ, first: \(mismatches.prefix(5).map(TestInstants.describe))")
  }

  @Test func fractionsOfASecondAreDroppedTowardThePast() {
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: 59.999)) == "1970-01-01T00:00:59Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    // A hair before the reference date: seconds since 1970 would round up to a whole second here.
    let justBefore2001 = Date(timeIntervalSinceReferenceDate: -1e-9)
    #expect(justBefore2001.timeIntervalSince1970 == 978_307_200)
    #expect(RFC3339.string(from: justBefore2001) == "2000-12-31T23:59:59Z")
  }

  @Test func civilDatesOfKnownInstants() {
    func text(_ seconds: Int64) -> String { UTCDateTime(secondsSince1970: seconds).formatted() }
    #expect(text(0) == "1970-01-01T00:00:00Z")
    #expect(text(951_782_400) == "2000-02-29T00:00:00Z")
    #expect(text(4_107_542_400 - 86_400) == "2100-02-28T00:00:00Z")
    #expect(text(4_107_542_400) == "2100-03-01T00:00:00Z", "2100 is not a leap year")
    #expect(text(-62_167_219_200) == "0000-01-01T00:00:00Z", "proleptic Gregorian, astronomical years")
    #expect(text(-62_167_219_201) == "-0001-12-31T23:59:59Z")
    #expect(text(253_402_300_800) == "10000-01-01T00:00:00Z")
    let time = UTCDateTime(secondsSince1970: 1_800_000_000)
    #expect(time == UTCDateTime(year: 2027, month: 1, day: 15, hour: 8, minute: 0, second: 0))
    #expect(time.formatted(separator: " ", suffix: " UTC") == "2027-01-15 08:00:00 UTC")
    #expect(time.formattedHourAndMinute(suffix: " UTC") == "08:00 UTC")
    #expect(UTCDateTime(year: 2027, month: 1, day: 15, hour: 8).secondsSince1970 == 1_800_000_000)
  }

  /// Every day from 1600 to 2400 follows the one before it, and converts back to its day number.
  @Test func consecutiveDaysFollowTheGregorianCalendar() {
    func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
    func length(_ month: Int, _ year: Int) -> Int {
      month == 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
    }
    let first = UTCDateTime(year: 1600, month: 1, day: 1).secondsSince1970 / 86_400
    let last = UTCDateTime(year: 2400, month: 12, day: 31).secondsSince1970 / 86_400
    var previous = UTCDateTime(secondsSince1970: (first - 1) * 86_400)
    #expect(previous == UTCDateTime(year: 1599, month: 12, day: 31))
    var broken: [Int64] = []
    for day in first...last {
      let date = UTCDateTime(secondsSince1970: day * 86_400)
      let follows =
        date.day == previous.day + 1 && date.month == previous.month && date.year == previous.year
        || date.day == 1 && previous.day == length(previous.month, previous.year)
          && (date.month == previous.month + 1 && date.year == previous.year
            || date.month == 1 && previous.month == 12 && date.year == previous.year + 1)
      if !follows || date.secondsSince1970 != day * 86_400 || date.hour != 0 { broken.append(day) }
      previous = date
    }
    #expect(broken.isEmpty, "days that break the calendar: \(broken.prefix(5))")
  }

  /// Seconds to civil time and back is exact everywhere, including before 1970 and millions of years out.
  @Test func secondsRoundTripFarIntoThePastAndFuture() {
    var random = TestRandom(seed: 86_400)
    let limit: Int64 = 1 << 50
    let samples =
      (0..<20_000).map { _ in Int64.random(in: -limit...limit, using: &random) }
      + [-limit, limit, -1, 0, 1, -86_400, -86_401, 86_399]
    let broken = samples.filter { UTCDateTime(secondsSince1970: $0).secondsSince1970 != $0 }
    #expect(broken.isEmpty, "\(broken.prefix(5))")
    for seconds in samples.prefix(2_000) {
      let time = UTCDateTime(secondsSince1970: seconds)
      #expect((1...12).contains(time.month) && (1...31).contains(time.day))
      #expect(
        (0...23).contains(time.hour) && (0...59).contains(time.minute) && (0...59).contains(time.second))
    }
  }

  @Test func instantsOutOfRangeAreClampedInsteadOfTrapping() {
    let future = UTCDateTime(Date(timeIntervalSinceReferenceDate: .infinity))
    let past = UTCDateTime(Date(timeIntervalSinceReferenceDate: -.infinity))
    #expect(future.year > 35_000_000 && past.year < -35_000_000)
    #expect(UTCDateTime(Date(timeIntervalSinceReferenceDate: .nan)).formatted() == "2001-01-01T00:00:00Z")
    #expect(RFC3339.string(from: Date(timeIntervalSinceReferenceDate: 1e300)).hasSuffix("Z"))
  }
}

/// Instants that probe a date formatter: anywhere in a range of years, with and without fractions of a
/// second, and on and a hair either side of the boundaries of seconds, days, months and years.
enum TestInstants {
  static let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  /// Offsets either side of a whole second. Dates are built from seconds since 2001 as well as since 1970:
  /// a `Date` stores the former, so the two round differently just before a whole second.
  static let nudges: [Double] = [
    0, 1e-9, -1e-9, 1e-6, -1e-6, 0.001, -0.001, 0.5, -0.5, 0.999_999, -0.999_999,
  ]

  static func sample(count: Int, years: ClosedRange<Int>, using random: inout TestRandom) -> [Date] {
    let start = seconds(year: years.lowerBound)
    let end = seconds(year: years.upperBound + 1)
    var dates: [Date] = []
    dates.reserveCapacity(count + 20)
    for round in 0... {
      guard dates.count < count else { break }
      let whole = Double(Int64.random(in: start..<end, using: &random))
      switch round % 6 {
      case 0:
        dates.append(
          Date(timeIntervalSince1970: Double.random(in: Double(start)..<Double(end), using: &random)))
      case 1:
        dates.append(Date(timeIntervalSince1970: whole))
      case 2:
        let nudge = nudges.randomElement(using: &random)!
        dates.append(Date(timeIntervalSinceReferenceDate: whole - 978_307_200 + nudge))
        dates.append(Date(timeIntervalSince1970: whole + nudge))
      case 3:
        // The start of a random day, month or year, and a hair either side of it.
        let units: [Set<Calendar.Component>] = [[.year, .month, .day], [.year, .month], [.year]]
        let parts = utc.dateComponents(
          units.randomElement(using: &random)!, from: Date(timeIntervalSince1970: whole))
        let boundary = utc.date(from: parts)!.timeIntervalSinceReferenceDate
        dates += [0, -1, 1, -1e-9, 1e-9, -0.5].map { Date(timeIntervalSinceReferenceDate: boundary + $0) }
      case 4:
        dates += boundaries(ofYear: Int.random(in: years, using: &random))
      default:
        // Close to 2001, where seconds since 2001 keep fractions that seconds since 1970 round away.
        guard years.contains(2001) else { continue }
        let nearby = Double(Int.random(in: -(1 << 24)...(1 << 24), using: &random))
        dates.append(Date(timeIntervalSinceReferenceDate: nearby + nudges.randomElement(using: &random)!))
      }
    }
    return dates
  }

  /// New Year, the end of February and the first of March in `year`, and a second and a hair either side.
  static func boundaries(ofYear year: Int) -> [Date] {
    [(1, 1), (2, 28), (3, 1), (12, 31)].flatMap { month, day in
      let start = utc.date(from: DateComponents(year: year, month: month, day: day))!
      return [0, -1, 1, -1e-9, 86_399.999].map {
        Date(timeIntervalSinceReferenceDate: start.timeIntervalSinceReferenceDate + $0)
      }
    }
  }

  static func describe(_ date: Date) -> String {
    "\(date.timeIntervalSinceReferenceDate) s since 2001"
  }

  private static func seconds(year: Int) -> Int64 {
    Int64(utc.date(from: DateComponents(year: year, month: 1, day: 1))!.timeIntervalSince1970)
  }
}

/// SplitMix64: the same sequence for the same seed, so a failure can be replayed.
struct TestRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
