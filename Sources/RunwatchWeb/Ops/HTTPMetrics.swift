import HTTPServer
import Prometheus

/// Request counts and latency histograms, fed by the router's completion hook and read by `/metrics`.
///
/// Labels are bounded by construction: the route is the matched template (never the raw path, `unmatched`
/// when nothing matched) and methods outside the standard set count as `OTHER`, so a client cannot grow the
/// series without limit.
public final class HTTPMetrics: Sendable {
  /// Histogram bucket upper bounds, in seconds.
  public static let bucketBounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

  /// Where the request metrics live (swift-prometheus); `/metrics` emits it.
  public let registry = PrometheusCollectorRegistry()

  static var requests: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_http_requests", unitName: "total", helpText: "HTTP requests answered.")
  }
  static var durations: MetricNameDescriptor {
    MetricNameDescriptor(
      metricName: "runwatch_http_request_duration", unitName: "seconds",
      helpText: "Time to produce a response.")
  }
  static let buckets: [Duration] = bucketBounds.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }

  public init() {}

  /// The `method` label: a known method's name, or `OTHER` (clients may send any token; labels stay bounded).
  static func methodLabel(_ method: HTTPMethod) -> String {
    let known: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
    return known.contains(method) ? method.rawValue : "OTHER"
  }

  /// The `route` label: the matched route's template, or `unmatched` (never the raw path: bounded labels).
  static func routeLabel(_ template: String?) -> String { template ?? "unmatched" }

  /// Counts one answered request and its duration.
  public func record(_ metrics: RequestMetrics) {
    let route = Self.routeLabel(metrics.routeTemplate)
    registry.makeCounter(
      descriptor: Self.requests,
      labels: [
        ("method", Self.methodLabel(metrics.method)), ("route", route), ("status", "\(metrics.status.code)"),
      ]
    ).increment()
    registry.makeDurationHistogram(
      descriptor: Self.durations, labels: [("route", route)], buckets: Self.buckets
    )
    .record(metrics.duration)
  }

  func exposition() -> String { registry.emitToString() }
}
