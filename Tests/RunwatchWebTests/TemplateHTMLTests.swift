import Foundation
import RunwatchCore
import RunwatchTemplates
import TestStorage
import Testing

@Suite("Template HTML escaping and helpers")
struct TemplateHTMLTests {
  @Test func interpolatedTextIsEscaped() {
    let text = TemplateSamples.hostile
    let html: HTML = "<p title=\"\(text)\">\(text)</p>"
    #expect(
      html.rendered == "<p title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\">"
        + "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</p>")
  }

  @Test func interpolatedHTMLIsInsertedAsIs() {
    let inner: HTML = "<b>\("x<y")</b>"
    let outer: HTML = "<p>\(inner)</p>"
    #expect(outer.rendered == "<p><b>x&lt;y</b></p>")
  }

  @Test func optionalsNumbersAndEnumsInterpolate() {
    let missing: String? = nil
    let present: String? = "<a>"
    let html: HTML = "\(missing)|\(present)|\(42)|\(Int64(-7))|\(Freshness.likelyStale)"
    #expect(html.rendered == "|&lt;a&gt;|42|-7|likely_stale")
  }

  /// Whole numbers are written digit by digit: every width, both signs, the extremes and wider types.
  @Test func numbersInterpolateAsTheirDecimalText() {
    let samples: [Int64] = [0, 1, -1, 9, 10, 99, 100, 12_345, -987_654_321, .max, .min, .max - 1, .min + 1]
    for value in samples {
      let html: HTML = "\(value)"
      #expect(html.rendered == String(value))
    }
    let wide: HTML = "\(UInt64.max)|\(Int8.min)|\(UInt32(4_000_000_000))"
    #expect(wide.rendered == "\(UInt64.max)|-128|4000000000")
    var random = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let value = Int64.random(in: .min ... .max, using: &random) >> Int64.random(in: 0...62, using: &random)
      let html: HTML = "<td>\(value)</td>"
      #expect(html.rendered == "<td>\(String(value))</td>")
    }
  }

  @Test func unsafeRawIsTheOnlyRawPath() {
    #expect(HTML(unsafeRaw: "<hr>").rendered == "<hr>")
    #expect(HTML(text: "<hr>").rendered == "&lt;hr&gt;")
  }

  @Test func joinedEachAndConditionals() {
    let items: HTML = HTML.each(["a", "<b>"], separator: ", ") { "<i>\($0)</i>" }
    #expect(items.rendered == "<i>a</i>, <i>&lt;b&gt;</i>")
    #expect(HTML.when(false) { "x" }.isEmpty)
    #expect(HTML.when(true) { "x" }.rendered == "x")
    #expect(HTML.unwrap(Int?.none, otherwise: "none") { "\($0)" }.rendered == "none")
    #expect(HTML.attribute("selected", if: true).rendered == " selected")
    #expect(HTML.attribute("selected", if: false).isEmpty)
    #expect([HTML("a"), HTML("b")].joined(separator: "-").rendered == "a-b")
  }

  @Test func queryStringEncodesAndDropsEmptyValues() {
    let query = QueryString([("type", "policy.sync"), ("tenant", ""), ("q", "a b&c=\"<")])
    #expect(query.encoded == "type=policy.sync&q=a%20b%26c%3D%22%3C")
    #expect(query.setting("type", to: nil).encoded == "q=a%20b%26c%3D%22%3C")
    #expect(
      query.setting("before", to: "9").url(path: "/x") == "/x?type=policy.sync&q=a%20b%26c%3D%22%3C&before=9")
    #expect(QueryString().url(path: "/x") == "/x")
    #expect(QueryString.percentEncode("é") == "%C3%A9")
  }

  @Test func relativeAndAbsoluteTimes() {
    let now = TemplateSamples.now
    #expect(TimeText.relative(now.addingTimeInterval(-10), now: now) == "just now")
    #expect(TimeText.relative(now.addingTimeInterval(-180), now: now) == "3 min ago")
    #expect(TimeText.relative(now.addingTimeInterval(-7200), now: now) == "2 h ago")
    #expect(TimeText.relative(now.addingTimeInterval(-3 * 86_400), now: now) == "3 d ago")
    #expect(TimeText.relative(now.addingTimeInterval(240), now: now) == "in 4 min")
    #expect(TimeText.absoluteUTC(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00 UTC")
    #expect(TimeText.clockUTC(Date(timeIntervalSince1970: 3600 * 14 + 300)) == "14:05 UTC")
    #expect(TimeText.duration(seconds: 252) == "4 min 12 s")
    #expect(TimeText.duration(seconds: 7500) == "2 h 5 min")
  }

  @Test func timeElementCarriesMachineAndTooltipTimes() {
    let now = TemplateSamples.now
    let html = TimeElement.relative(now.addingTimeInterval(-180), now: now).rendered
    #expect(html.contains("datetime=\"\(RFC3339.string(from: now.addingTimeInterval(-180)))\""))
    #expect(html.contains("title=\"\(TimeText.absoluteUTC(now.addingTimeInterval(-180)))\""))
    #expect(html.contains(">3 min ago</time>"))
  }

  @Test func durationComparedWithExpectedRuntime() {
    let now = TemplateSamples.now
    let running = DurationComparison.describe(
      status: .running, createdAt: now.addingTimeInterval(-2500), startedAt: now.addingTimeInterval(-2400),
      completedAt: nil, expectedRuntimeSeconds: 600, now: now)
    #expect(running == "running 40 min · running 4× longer than expected")
    let normal = DurationComparison.describe(
      status: .running, createdAt: now.addingTimeInterval(-300), startedAt: nil, completedAt: nil,
      expectedRuntimeSeconds: 600, now: now)
    #expect(normal == "running 5 min")
    let done = DurationComparison.describe(
      status: .completed, createdAt: now.addingTimeInterval(-100), startedAt: now.addingTimeInterval(-90),
      completedAt: now.addingTimeInterval(-30), expectedRuntimeSeconds: nil, now: now)
    #expect(done == "took 1 min")
    let endless = DurationComparison.describe(
      status: .running, createdAt: now.addingTimeInterval(-90_000),
      startedAt: now.addingTimeInterval(-86_400),
      completedAt: nil, expectedRuntimeSeconds: 60, now: now)
    #expect(endless == "running 1 d · running over 100× longer than expected")
    let neverStarted = DurationComparison.describe(
      status: .completed, createdAt: now.addingTimeInterval(-1000), startedAt: nil,
      completedAt: now.addingTimeInterval(-100), reconciledAs: .staleQueued, expectedRuntimeSeconds: 10,
      now: now)
    #expect(neverStarted == "never started · waited 15 min")
    let abandoned = DurationComparison.parts(
      status: .completed, createdAt: now.addingTimeInterval(-4000), startedAt: now.addingTimeInterval(-4000),
      completedAt: now, lastReportAt: now.addingTimeInterval(-3940), reconciledAs: .staleRunning,
      expectedRuntimeSeconds: 10, now: now)
    #expect(abandoned.elapsed == "abandoned after 1 min")
    #expect(abandoned.overrun == nil, "no overrun warning beside a reconciled outcome")
    #expect(abandoned.silence == "no report for 1 h 5 min")
  }

  @Test func badgesCarryTextGlyphAndClass() {
    for freshness in Freshness.allCases {
      let html = Badge.freshness(freshness).rendered
      #expect(html.contains("badge--freshness-\(freshness.rawValue)"))
      #expect(html.contains(Badge.label(for: freshness)))
      #expect(html.contains("aria-hidden=\"true\""))
    }
    #expect(Badge.freshness(.likelyStale).rendered.contains("▲</span> Likely stale"))
    #expect(Badge.status(.running).rendered.contains("◐</span> Running"))
    #expect(Badge.outcome(.failed).rendered.contains("✕</span> Failed"))
    let glyphs = Set(
      Freshness.allCases.map { Badge.freshness($0).rendered.split(separator: "</span>")[0].last })
    #expect(glyphs.count == Freshness.allCases.count, "every freshness state has its own shape")
  }
}
