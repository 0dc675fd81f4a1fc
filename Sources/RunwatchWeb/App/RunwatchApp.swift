import Foundation
import HTTPServer
import Logging
import RunwatchTemplates

/// The whole web app as one `Router`: response policy, static assets, error pages, sign-in, CSRF gate, health
/// and metrics, the request log — with the page and API routes composed in through `addRoutes`.
///
/// Built once at startup (a value), then handed to `HTTPServer.start` (see `RunwatchServer`).
public struct RunwatchApp: Sendable {
  /// What handlers share.
  public let environment: WebEnvironment
  /// Resolves sessions; its `signedIn` guards page routes.
  public let gate: SessionGate
  /// Request counts and latency.
  public let httpMetrics: HTTPMetrics
  /// Reconciliations by type and reason (fed by the reconcile loop's tick callback).
  public let reconcileMetrics: ReconcileMetrics
  /// Finished runs, late reports and durations by type (fed by the lifecycle service and the loop).
  public let transitionMetrics: TransitionMetrics
  /// The composed router.
  public private(set) var router: Router

  /// Builds the shell: `/` → `/operations`, `/login`, `/logout`, `/workspace`, `/healthz`, `/metrics`,
  /// `/assets/*` and `/favicon.ico`, styled error pages (JSON under `/api/`), security headers, the CSRF gate
  /// and the debug request log. Throws only when no randomness is available for the sign-in form key.
  public init(
    environment: WebEnvironment, options: SessionOptions = SessionOptions(),
    httpMetrics: HTTPMetrics = HTTPMetrics(), reconcileMetrics: ReconcileMetrics? = nil,
    transitionMetrics: TransitionMetrics? = nil
  ) throws {
    self.environment = environment
    self.httpMetrics = httpMetrics
    let reconcileMetrics = reconcileMetrics ?? ReconcileMetrics(policy: environment.policy)
    self.reconcileMetrics = reconcileMetrics
    let transitionMetrics = transitionMetrics ?? TransitionMetrics(policy: environment.policy)
    self.transitionMetrics = transitionMetrics
    let gate = SessionGate(environment: environment, options: options)
    self.gate = gate
    let pages = gate.pages
    let sessionRoutes = SessionRoutes(gate: gate, loginForgery: try LoginForgeryGuard())

    var router = Router(policies: [SecurityHeaders()])
    router.errorRenderer = { request, status in Self.errorResponse(for: request, status: status, pages: pages)
    }
    router.middleware = [
      FormProtection(
        loginForgery: sessionRoutes.loginForgery,
        refuse: { _ in pages.error(.forbidden(missingCapability: nil)) },
        refuseLogin: { request in sessionRoutes.refusedLogin(request) })
    ]
    let logger = environment.logger
    router.onRequestCompleted = { metrics in
      httpMetrics.record(metrics)
      logger.debug(
        "request",
        metadata: [
          "http.method": "\(HTTPMetrics.methodLabel(metrics.method))",
          "http.route": "\(HTTPMetrics.routeLabel(metrics.routeTemplate))",
          "http.status": "\(metrics.status.code)",
          "http.duration_ms": "\(Self.milliseconds(metrics.duration))",
        ])
    }

    router.get("/") { _ in .redirect(to: LocalRedirect.fallback, status: .found) }
    if let assets = environment.assets {
      router.mount(assets)
      router.get("/favicon.ico") { _ in
        .redirect(to: assets.url(for: "favicon.svg"), status: .movedPermanently)
      }
    }
    sessionRoutes.register(on: &router)
    OpsRoutes(
      environment: environment, httpMetrics: httpMetrics, reconcileMetrics: reconcileMetrics,
      transitionMetrics: transitionMetrics
    ).register(on: &router)
    self.router = router
  }

  /// Adds a group of routes (the pages, the worker API). `register` gets the router, the environment and the
  /// `signedIn` wrapper for page handlers.
  public mutating func addRoutes(
    _ register: (inout Router, WebEnvironment, @escaping @Sendable (@escaping PageHandler) -> Router.Handler)
      -> Void
  ) {
    let gate = self.gate
    register(&router, environment, { handler in gate.signedIn(handler) })
  }

  /// Error answers for the router and server: JSON `{"error":{"code","message"}}` under `/api/`, the styled
  /// page everywhere else.
  static func errorResponse(for request: HTTPRequest, status: HTTPStatus, pages: ShellPages) -> HTTPResponse {
    guard request.path == "/api" || request.path.hasPrefix("/api/") else {
      var response = pages.error(ShellPages.kind(for: status))
      response.status = status
      return response
    }
    let code = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
    let message = ShellPages.kind(for: status).sentence
    return .json(
      "{\"error\":{\"code\":\(Self.jsonString(code)),\"message\":\(Self.jsonString(message))}}\n",
      status: status)
  }

  /// A JSON string literal (our own fixed wording only, but escaped properly all the same).
  static func jsonString(_ text: String) -> String {
    let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  static func milliseconds(_ duration: Duration) -> String {
    let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    return String(format: "%.3f", ms)
  }
}
