/// The production composition of the app.
extension RunwatchApp {
  /// The app `serve` runs: the shell plus the signed-in pages. (The worker API joins here with
  /// `APIRoutes.register(on:environment:)` once it is merged.)
  public static func standard(environment: WebEnvironment, options: SessionOptions) throws -> RunwatchApp {
    var app = try RunwatchApp(environment: environment, options: options)
    app.addRoutes { router, environment, signedIn in
      PageRoutes.register(on: &router, environment: environment, signedIn: signedIn)
    }
    return app
  }
}
