/// The production composition of the app.
extension RunwatchApp {
  /// The app `serve` runs: the shell plus every route group shipped with Runwatch.
  public static func standard(environment: WebEnvironment, options: SessionOptions) throws -> RunwatchApp {
    try RunwatchApp(environment: environment, options: options)
  }
}
