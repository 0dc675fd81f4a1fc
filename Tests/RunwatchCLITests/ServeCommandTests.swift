import ArgumentParser
import Foundation
import Logging
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import Synchronization
import TestStorage
import Testing

@testable import RunwatchCLI
@testable import RunwatchDemo

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `runwatch serve`: option validation, asset lookup, and the real process answering and stopping on SIGTERM.
@Suite struct ServeCommandTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
  static let publicDirectory = repository.appendingPathComponent("Public").path

  static func parse(_ arguments: [String]) throws -> ServeCommand {
    let parsed = try RunwatchCommand.parseAsRoot(["serve"] + arguments)
    return try #require(parsed as? ServeCommand)
  }

  @Test(arguments: [
    ["--trusted-user-header", "X-Forwarded-Email"],
    ["--trusted-proxy", "proxy.local"],
    ["--trusted-user-header", "X-Forwarded-Email", "--trusted-proxy", "proxy.local"],
    ["--trusted-user-header", "Bad Header", "--trusted-proxy", "127.0.0.1"],
    ["--port", "70000"],
    ["--threads", "0"],
    ["--log-level", "chatty"],
    ["--metrics-token", "short"],
    ["--metrics-token", "sixteen chars with spaces"],
    ["--connections-per-address", "0"],
    ["--connections-per-address", "1025"],
  ])
  func invalidOptionsAreRefused(arguments: [String]) {
    #expect(throws: (any Error).self) { try Self.parse(arguments) }
  }

  @Test func optionsMapToSessionOptions() throws {
    let command = try Self.parse([
      "--trusted-user-header", "X-Forwarded-Email", "--trusted-proxy", "127.0.0.1", "--trusted-proxy",
      "10.0.0.2",
      "--secure-cookies", "--log-level", "debug",
    ])
    #expect(
      command.sessionOptions
        == SessionOptions(
          secureCookies: true, trustedProxies: ["127.0.0.1", "10.0.0.2"],
          trustedHeader: TrustedHeader(headerName: "X-Forwarded-Email", proxies: ["127.0.0.1", "10.0.0.2"])))
    #expect(command.makeLogger().logLevel == .debug)
    #expect(try Self.parse([]).sessionOptions == SessionOptions())
  }

  /// A reverse proxy without SSO: its `X-Forwarded-For` is believed, no user header is.
  @Test func trustedProxyAloneMapsToForwardedAddressesOnly() throws {
    #expect(
      try Self.parse(["--trusted-proxy", "127.0.0.1"]).sessionOptions
        == SessionOptions(trustedProxies: ["127.0.0.1"]))
  }

  /// Behind a trusted proxy every client shares the proxy's address, so the per-address cap is lifted to the
  /// whole connection limit unless set explicitly.
  @Test func connectionsPerAddressDefaultsDependOnTheProxy() throws {
    #expect(try Self.parse([]).resolvedConnectionsPerAddress == 128)
    #expect(try Self.parse(["--trusted-proxy", "127.0.0.1"]).resolvedConnectionsPerAddress == 1024)
    #expect(
      try Self.parse(["--trusted-proxy", "127.0.0.1", "--connections-per-address", "300"])
        .resolvedConnectionsPerAddress == 300)
    #expect(try Self.parse(["--connections-per-address", "16"]).resolvedConnectionsPerAddress == 16)
  }

  @Test func portComesFromFlagThenEnvironmentThenDefault() throws {
    #expect(
      try Self.parse(["--metrics-token", "a-token-of-24-characters"]).resolvedMetricsToken(environment: [:])
        == "a-token-of-24-characters")
    #expect(
      try Self.parse([]).resolvedMetricsToken(environment: ["RUNWATCH_METRICS_TOKEN": "from-the-environment"])
        == "from-the-environment")
    #expect(try Self.parse([]).resolvedMetricsToken(environment: ["RUNWATCH_METRICS_TOKEN": ""]) == nil)
    #expect(try Self.parse(["--port", "9001"]).resolvedPort(environment: ["RUNWATCH_PORT": "9002"]) == 9001)
    #expect(try Self.parse([]).resolvedPort(environment: ["RUNWATCH_PORT": "9002"]) == 9002)
    #expect(try Self.parse([]).resolvedPort(environment: [:]) == 8080)
    #expect(throws: (any Error).self) {
      try Self.parse([]).resolvedPort(environment: ["RUNWATCH_PORT": "http"])
    }
  }

  @Test func publicDirectoryLookupOrder() throws {
    // An empty directory of its own: the shared temporary directory may hold anything, an app.css included.
    let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-elsewhere-\(UUID())"
    )
    .path
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: elsewhere) }
    #expect(PublicDirectory.locate(explicit: Self.publicDirectory) == Self.publicDirectory)
    #expect(PublicDirectory.locate(explicit: elsewhere) == nil)
    #expect(
      PublicDirectory.locate(
        explicit: nil, environment: ["RUNWATCH_PUBLIC": Self.publicDirectory], currentDirectory: elsewhere,
        executablePath: nil) == Self.publicDirectory)
    #expect(
      PublicDirectory.locate(
        explicit: nil, environment: [:], currentDirectory: Self.repository.path, executablePath: nil)
        == Self.publicDirectory)
    // From the build directory: .build/<config>/runwatch → ../../Public.
    let executable = Self.repository.appendingPathComponent(".build/debug/runwatch").path
    let found = PublicDirectory.locate(
      explicit: nil, environment: [:], currentDirectory: elsewhere, executablePath: executable)
    #expect(found.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == Self.publicDirectory)
    #expect(
      PublicDirectory.locate(
        explicit: nil, environment: [:], currentDirectory: elsewhere, executablePath: nil) == nil)
    // Installed by `make install`: <prefix>/bin/runwatch → <prefix>/share/runwatch/Public.
    let prefix = URL(fileURLWithPath: elsewhere).appendingPathComponent("usr")
    let installed = prefix.appendingPathComponent("share/runwatch/Public")
    try FileManager.default.createDirectory(at: installed, withIntermediateDirectories: true)
    try Data("body {}".utf8).write(to: installed.appendingPathComponent("app.css"))
    #expect(
      PublicDirectory.locate(
        explicit: nil, environment: [:], currentDirectory: elsewhere,
        executablePath: prefix.appendingPathComponent("bin/runwatch").path) == installed.path)
  }

  @Test func startServesAndStopsInProcess() async throws {
    let harness = try CLIHarness()
    let command = try Self.parse(["--db", harness.path, "--port", "0", "--public", Self.publicDirectory])
    let server = try command.start(
      logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: SystemTimeSource())
    defer { server.stop() }
    #expect(server.services.count == 3)
    #expect(server.services.contains { $0 is WebhookDeliveryLoop })
    let (data, response) = try await URLSession.shared.data(
      from: try #require(URL(string: "http://127.0.0.1:\(server.http.port)/healthz")))
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
    #expect(String(decoding: data, as: UTF8.self).contains("ok"))
    server.stop()
    #expect(!server.http.isRunning)
  }

  @Test func demoModeSeedsAnEmptyDatabaseAndRunsTheFleet() async throws {
    let harness = try CLIHarness()
    let messages = Mutex<[String]>([])
    let io = CommandIO(
      output: { _ in }, message: { line in messages.withLock { $0.append(line) } }, readInput: { nil })
    let command = try Self.parse([
      "--db", harness.path, "--port", "0", "--public", Self.publicDirectory, "--demo",
    ])
    let server = try CommandIO.$current.withValue(io) {
      try command.start(
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: SystemTimeSource())
    }
    defer { server.stop() }
    #expect(server.services.contains { $0 is DemoFleet })
    let database = try RunwatchDatabase(location: harness.location, policy: .demo)
    #expect(try DemoSeeder.hasData(database))
    let printed = messages.withLock { $0 }.joined(separator: "\n")
    let credential = try #require(DemoCatalog.credentials.first)
    #expect(printed.contains(credential.email) && printed.contains(credential.password))
    let (_, response) = try await URLSession.shared.data(
      from: try #require(URL(string: "http://127.0.0.1:\(server.http.port)/login")))
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
  }

  @Test func missingAssetsDirectoryIsAClearError() throws {
    let harness = try CLIHarness()
    let command = try Self.parse(["--db", harness.path, "--port", "0", "--public", harness.directory.path])
    #expect(throws: CLIError.self) {
      try command.start(
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: SystemTimeSource())
    }
  }

  /// The built binary: prints its URL, answers, and exits 0 on SIGTERM after stopping the loop and server.
  @Test func processStopsCleanlyOnSIGTERM() async throws {
    let binary = Self.repository.appendingPathComponent(".build/debug/runwatch")
    try #require(
      FileManager.default.isExecutableFile(atPath: binary.path), "build the runwatch product first")
    let harness = try CLIHarness()
    let process = Process()
    process.executableURL = binary
    process.arguments = ["serve", "--db", harness.path, "--port", "0", "--public", Self.publicDirectory]
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    var output = ""
    var url: String?
    while url == nil {
      let chunk = stderr.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      output += String(decoding: chunk, as: UTF8.self)
      if let range = output.range(of: "serving http://") {
        let rest = output[range.upperBound...]
        if let end = rest.firstIndex(of: "\n") { url = "http://" + rest[..<end] }
      }
    }
    let base = try #require(url, "no URL in: \(output)")
    let (_, response) = try await URLSession.shared.data(from: try #require(URL(string: base + "healthz")))
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
    process.terminate()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    let rest = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(rest.contains("reconcile loop stopped"))
    #expect(rest.contains("server stopped"))
  }
}
