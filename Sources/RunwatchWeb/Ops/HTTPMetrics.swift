import HTTPServer
import Synchronization

/// Request counts and latency histograms, fed by the router's completion hook and read by `/metrics`.
///
/// Labels are bounded by construction: the route is the matched template (never the raw path, `unmatched`
/// when nothing matched) and methods outside the standard set count as `OTHER`, so a client cannot grow the
/// series without limit.
public final class HTTPMetrics: Sendable {
  /// Upper bounds (seconds) of the latency histogram buckets; `+Inf` is implied.
  public static let bucketBounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

  struct RequestKey: Hashable, Comparable {
    var method: String
    var route: String
    var status: Int

    static func < (lhs: RequestKey, rhs: RequestKey) -> Bool {
      (lhs.route, lhs.method, lhs.status) < (rhs.route, rhs.method, rhs.status)
    }
  }

  struct Histogram {
    var bucketCounts = [UInt64](repeating: 0, count: HTTPMetrics.bucketBounds.count)
    var count: UInt64 = 0
    var sum: Double = 0
  }

  struct State {
    var requests: [RequestKey: UInt64] = [:]
    var durations: [String: Histogram] = [:]
  }

  private let state = Mutex(State())

  /// Creates empty metrics.
  public init() {}

  /// The bounded method label.
  static func methodLabel(_ method: HTTPMethod) -> String {
    let known: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
    return known.contains(method) ? method.rawValue : "OTHER"
  }

  /// The bounded route label.
  static func routeLabel(_ template: String?) -> String { template ?? "unmatched" }

  /// Counts one finished request.
  public func record(_ metrics: RequestMetrics) {
    let route = Self.routeLabel(metrics.routeTemplate)
    let key = RequestKey(method: Self.methodLabel(metrics.method), route: route, status: metrics.status.code)
    let seconds =
      Double(metrics.duration.components.seconds)
      + Double(metrics.duration.components.attoseconds) / 1e18
    state.withLock { state in
      state.requests[key, default: 0] += 1
      var histogram = state.durations[route] ?? Histogram()
      if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) {
        histogram.bucketCounts[bucket] += 1
      }
      histogram.count += 1
      histogram.sum += seconds
      state.durations[route] = histogram
    }
  }

  /// The Prometheus text for both families.
  func exposition() -> String {
    let snapshot = state.withLock { $0 }
    var text = PrometheusText()
    text.family("runwatch_http_requests_total", type: "counter", help: "HTTP requests answered.")
    for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
      text.sample(
        "runwatch_http_requests_total",
        labels: [("method", key.method), ("route", key.route), ("status", "\(key.status)")], value: "\(count)"
      )
    }
    text.family(
      "runwatch_http_request_duration_seconds", type: "histogram", help: "Time to produce a response.")
    for (route, histogram) in snapshot.durations.sorted(by: { $0.key < $1.key }) {
      var cumulative: UInt64 = 0
      for (index, bound) in Self.bucketBounds.enumerated() {
        cumulative += histogram.bucketCounts[index]
        text.sample(
          "runwatch_http_request_duration_seconds_bucket",
          labels: [("route", route), ("le", PrometheusText.number(bound))], value: "\(cumulative)")
      }
      text.sample(
        "runwatch_http_request_duration_seconds_bucket", labels: [("route", route), ("le", "+Inf")],
        value: "\(histogram.count)")
      text.sample(
        "runwatch_http_request_duration_seconds_sum", labels: [("route", route)],
        value: PrometheusText.number(histogram.sum))
      text.sample(
        "runwatch_http_request_duration_seconds_count", labels: [("route", route)],
        value: "\(histogram.count)")
    }
    return text.output
  }
}
