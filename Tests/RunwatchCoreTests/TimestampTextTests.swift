import Foundation
import Testing

@testable import RunwatchCore

/// `TimestampText.rfc3339` gives `RFC3339.string(from:)`'s text for every instant.
@Suite struct TimestampTextTests {
  @Test func knownInstants() {
    let cases: [(TimeInterval, String)] = [
      (0, "1970-01-01T00:00:00Z"), (1_800_000_000.999, "2027-01-15T08:00:00Z"),
      (951_782_400, "2000-02-29T00:00:00Z"),
      (4_107_542_400, "2100-03-01T00:00:00Z"), (253_402_300_799.9, "9999-12-31T23:59:59Z"),
    ]
    for (seconds, text) in cases {
      let date = Date(timeIntervalSince1970: seconds)
      #expect(TimestampText.rfc3339(date) == text)
      #expect(RFC3339.string(from: date) == text)
    }
  }

  @Test func randomInstantsMatchRFC3339() {
    var random = RandomJSON(seed: 0x7135)
    var dates: [Date] = []
    for _ in 0..<20_000 {
      switch random.below(5) {
      case 0:  // Stored timestamps: whole milliseconds from 1970 to 2200.
        dates.append(Date(timeIntervalSince1970: Double(random.below(7_258_118_400_000)) / 1000))
      case 1:  // Anything up to the year 9999, with sub-millisecond fractions.
        dates.append(Date(timeIntervalSince1970: Double(random.next() % 253_402_300_800_000_000) / 1_000_000))
      case 2:  // Next to a second, a day or a year boundary.
        let boundary =
          Double(random.below(2_000_000)) * pick(&random, [1, 60, 86_400, 31_536_000, 126_230_400])
        dates.append(
          Date(timeIntervalSince1970: boundary + pick(&random, [0, -1e-6, 1e-6, -0.001, 0.999, -1])))
      case 3:  // Before 1970, after 9999, and far away: answered by RFC3339 itself.
        dates.append(Date(timeIntervalSince1970: Double(Int64(bitPattern: random.next()) >> 28)))
      default:
        dates.append(Date(timeIntervalSinceReferenceDate: Double(Int64(bitPattern: random.next()) >> 30) / 7))
      }
    }
    dates += [
      .distantPast, .distantFuture, Date(timeIntervalSince1970: -0.5),
      Date(timeIntervalSince1970: 253_402_300_800),
    ]
    for date in dates {
      #expect(TimestampText.rfc3339(date) == RFC3339.string(from: date), "\(date.timeIntervalSince1970)")
    }
  }

  private func pick(_ random: inout RandomJSON, _ choices: [Double]) -> Double { random.pick(choices) }
}
