import Foundation
import Testing

/// Serves the worker API on a live socket for outside tools (`make schemathesis`, the wrk benchmark) until a stop
/// file appears. Enabled only when `RUNWATCH_API_HARNESS_DIR` names a directory: it writes `port`, `token`
/// and `run_id` there, then waits for `stop`. The serve command belongs to the web app; this keeps API checks
/// independent of it.
@Suite struct APIServeHarness {
  static let directory = ProcessInfo.processInfo.environment["RUNWATCH_API_HARNESS_DIR"]

  @Test(.enabled(if: directory != nil)) func serveUntilStopped() throws {
    let directory = URL(fileURLWithPath: try #require(Self.directory))
    let fixture = try APIServerFixture()
    let runID = try fixture.createRun()
    #expect(try fixture.send("POST", "/runs/\(runID)/start").status == 200)
    try String(fixture.server.port).write(
      to: directory.appendingPathComponent("port"), atomically: true, encoding: .utf8)
    try fixture.token.write(to: directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
    try String(runID).write(to: directory.appendingPathComponent("run_id"), atomically: true, encoding: .utf8)
    let stop = directory.appendingPathComponent("stop").path
    let deadline = Date().addingTimeInterval(3600)
    while !FileManager.default.fileExists(atPath: stop) && Date() < deadline { usleep(100_000) }
    #expect(fixture.server.isRunning)
  }
}
