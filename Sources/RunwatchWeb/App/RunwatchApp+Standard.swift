/// The production composition of the app.
extension RunwatchApp {
  /// The app `serve` runs: the shell, the signed-in pages and the worker API. The API registers last because it
  /// wraps the shell's error renderer so that errors under `/api/` answer in JSON.
  public static func standard(
    environment: WebEnvironment, options: SessionOptions, transitionMetrics: TransitionMetrics? = nil
  ) throws -> RunwatchApp {
    var app = try RunwatchApp(
      environment: environment, options: options, transitionMetrics: transitionMetrics)
    app.addRoutes { router, environment, signedIn in
      PageRoutes.register(on: &router, environment: environment, signedIn: signedIn)
      APIRoutes.register(on: &router, environment: environment)
    }
    return app
  }
}
