import ArgumentParser
import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import RunwatchWeb
import SecretKit
import Synchronization
import TestStorage
import Testing

@testable import RunwatchCLI

#if canImport(Glibc)
  import Glibc
#endif

/// `runwatch run exec` against a temp database, in process (and once as a real process killed with -9).
/// Signal dispositions are process-wide, so these tests run one at a time.
@Suite(.serialized) final class RunExecTests {
  let harness: CLIHarness
  let database: RunwatchDatabase
  let workspace: Workspace
  let tenant: Tenant

  init() throws {
    harness = try CLIHarness()
    database = try harness.database()
    workspace = try database.addWorkspace(slug: "acme", name: "Acme", at: Date())
    tenant = try database.addTenant(workspaceID: workspace.id, name: "Contoso", at: Date())
  }

  /// Runs `runwatch run exec --db … <options> -- <command>` in process.
  func exec(_ options: [String] = [], shell script: String) -> CLIHarness.Outcome {
    let out = Mutex<[String]>([])
    let err = Mutex<[String]>([])
    let io = CommandIO(
      output: { line in out.withLock { $0.append(line) } },
      message: { line in err.withLock { $0.append(line) } },
      readInput: { "" })
    var failure: (any Error)?
    do {
      var command = try RunwatchCommand.parseAsRoot(
        ["run", "exec", "--db", harness.path, "--type", "policy.sync", "--tenant", String(tenant.id)]
          + options
          + ["--", "/bin/sh", "-c", script])
      try CommandIO.$current.withValue(io) { try command.run() }
    } catch {
      failure = error
    }
    return CLIHarness.Outcome(stdout: out.withLock { $0 }, stderr: err.withLock { $0 }, error: failure)
  }

  func onlyRun() throws -> OperationRun {
    let page = try database.listRuns(
      scope: RunScope(workspaceID: workspace.id), filter: RunFilter(), limit: 10, now: Date())
    #expect(page.runs.count == 1)
    return try #require(page.runs.first)
  }

  @Test func succeedingCommandCompletesTheRunWithProgressCountsAndHeartbeats() throws {
    let outcome = exec(
      ["--heartbeat-interval", "0.2"],
      shell: "echo hello; echo 'RUNWATCH progress processed=10 total=50 bad=x'; sleep 0.7; echo done")
    #expect(outcome.exitCode == 0, "\(outcome.errorMessage)")
    #expect(outcome.stdout == ["hello", "done"])
    let run = try onlyRun()
    #expect(run.status == .completed)
    #expect(run.outcome == .succeeded)
    #expect(run.summaryCounts == ["processed": 10, "total": 50])
    #expect(run.context["source"] == "run exec")
    let started = try #require(run.startedAt)
    let lastBeat = try #require(run.lastHeartbeatAt)
    #expect(lastBeat > started)
    let actors = try database.auditEvents(runID: run.id).map(\.actorLabel)
    #expect(actors.allSatisfy { $0 == "run-exec" })
  }

  @Test func failingCommandFailsTheRunWithItsStderrAndExitsWithItsStatus() throws {
    let outcome = exec(shell: "echo first >&2; echo 'disk full' >&2; exit 3")
    #expect(outcome.exitCode == 3)
    #expect(outcome.stderr.contains("disk full"))
    let run = try onlyRun()
    #expect(run.outcome == .failed)
    let failure = try #require(run.failures.first)
    #expect(failure.code == "run_exec.command_failed")
    #expect(failure.message == "exited with status 3: first\ndisk full")
  }

  @Test func refusedStartMeansTheCommandNeverRuns() throws {
    let marker = harness.directory.appendingPathComponent("ran").path
    #expect(try database.archiveTenant(id: tenant.id, at: Date()))
    let outcome = exec(shell: "touch \(marker)")
    #expect(outcome.exitCode == 1)
    #expect(outcome.errorMessage.contains("was not started"))
    #expect(outcome.errorMessage.contains("archived"))
    #expect(!FileManager.default.fileExists(atPath: marker))
    #expect(try onlyRun().status == .queued)
  }

  @Test func reportsThroughTheWorkerAPIWithServerAndToken() throws {
    let identity = IdentityService(
      database: database, clock: SystemTimeSource(), hasher: PasswordHasher(cost: .minimum))
    let lifecycle = LifecycleService(database: database, clock: SystemTimeSource())
    let token = try identity.createAPIToken(workspaceID: workspace.id, name: "exec").secret
    var router = Router()
    APIRoutes.register(
      on: &router,
      environment: WebEnvironment(
        database: database, lifecycle: lifecycle, identity: identity, clock: SystemTimeSource(),
        logger: Logger(label: "run-exec-test"), assets: nil))
    let server = try HTTPServer.start(port: 0, responder: router)
    defer { server.stop() }
    let base = ["--server", "http://127.0.0.1:\(server.port)", "--token", token]

    let outcome = exec(base, shell: "echo 'RUNWATCH progress items=4'; echo oops >&2; exit 2")
    #expect(outcome.exitCode == 2, "\(outcome.errorMessage)")
    let run = try onlyRun()
    #expect(run.outcome == .failed)
    #expect(run.summaryCounts == ["items": 4])
    #expect(run.failures.first?.message == "exited with status 2: oops")
    #expect(try database.auditEvents(runID: run.id).first?.actorLabel == "token:exec")

    let refused = exec(
      ["--server", "http://127.0.0.1:\(server.port)", "--token", "rwt_wrong"], shell: "true")
    #expect(refused.exitCode == 1)
    #expect(refused.errorMessage.contains("HTTP 401"))
  }

  /// `sed` writing to a pipe holds its output in a block until it exits; to a terminal, it writes each line.
  /// `run exec` gives the command a pseudo-terminal, so the first line arrives while the command still runs.
  @Test func theCommandsOutputArrivesLineByLineWhileItRuns() throws {
    let started = Date()
    let arrivals = Mutex<[String: TimeInterval]>([:])
    let io = CommandIO(
      output: { line in arrivals.withLock { $0[line] = Date().timeIntervalSince(started) } },
      message: { _ in }, readInput: { "" })
    var command = try RunwatchCommand.parseAsRoot(
      ["run", "exec", "--db", harness.path, "--type", "policy.sync", "--tenant", String(tenant.id), "--"]
        + ["/bin/sh", "-c", "(echo first; sleep 2; echo second) | sed -n p"])
    try CommandIO.$current.withValue(io) { try command.run() }
    let times = arrivals.withLock { $0 }
    let first = try #require(times["first"])
    let second = try #require(times["second"])
    #expect(first < 1.5, "the first line waited for the command to end: \(first) s")
    #expect(second >= 2)
    #expect(try onlyRun().outcome == .succeeded)
  }

  /// `kill -9` of `run exec` takes the command with it (its parent-death signal), instead of orphaning it.
  @Test func killingRunExecKillsTheCommand() throws {
    let binary = try #require(Self.runwatchBinary(), "build the runwatch product first")
    let pidFile = harness.directory.appendingPathComponent("child.pid").path
    let process = Process()
    process.executableURL = binary
    process.arguments = [
      "run", "exec", "--db", harness.path, "--type", "policy.sync", "--tenant", String(tenant.id), "--",
      "/bin/sh", "-c", "echo $$ > \(pidFile); exec sleep 60",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var child: pid_t = 0
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
        let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        child = pid
        break
      }
      usleep(20_000)
    }
    #expect(child > 0, "the command started")
    #expect(Self.isAlive(child), "the command is running")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let gone = Date().addingTimeInterval(1)
    while Date() < gone, Self.isAlive(child) { usleep(20_000) }
    #expect(!Self.isAlive(child), "the command outlived run exec")
    if Self.isAlive(child) { kill(child, SIGKILL) }
  }

  /// Runwatch out of reach does not stop the job: it runs, with a warning, and `run exec` exits with its
  /// status; `--if-unreachable fail` keeps the old refusal.
  @Test func anUnreachableServerRunsTheCommandAnywayUnlessToldToFail() throws {
    let marker = harness.directory.appendingPathComponent("ran").path
    let away = ["--server", "http://127.0.0.1:1", "--token", "rwt_unused"]
    let ran = exec(away, shell: "touch \(marker); exit 3")
    #expect(ran.exitCode == 3, "\(ran.errorMessage)")
    #expect(FileManager.default.fileExists(atPath: marker))
    #expect(ran.stderr.contains { $0.contains("warning") && $0.contains("cannot reach http://127.0.0.1:1") })
    try FileManager.default.removeItem(atPath: marker)

    let refused = exec(away + ["--if-unreachable", "fail"], shell: "touch \(marker)")
    #expect(refused.exitCode == 1)
    #expect(refused.errorMessage.contains("cannot reach") && refused.errorMessage.contains("did not run"))
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func theRunsAddressIsPrintedAndATenantIsOptional() throws {
    let outcome = exec(shell: "true")
    let run = try onlyRun()
    #expect(outcome.stderr.contains("runwatch: run \(run.id) created: /operations/\(run.id)"))
    // The run says which host and process ran it.
    #expect(run.worker?.host == ProcessInfo.processInfo.hostName)
    #expect(run.worker?.pid == Int64(getpid()))
    #expect(run.worker?.name == "run exec: /bin/sh -c true")

    let workspaceLevel = try RunwatchCommand.parseAsRoot(
      ["run", "exec", "--db", harness.path, "--type", "policy.sync", "--workspace", "acme", "--", "true"])
    var command = workspaceLevel
    try CommandIO.$current.withValue(CommandIO(output: { _ in }, message: { _ in }, readInput: { "" })) {
      try command.run()
    }
    let runs = try database.listRuns(
      scope: RunScope(workspaceID: workspace.id), filter: RunFilter(), limit: 10, now: Date()
    ).runs
    #expect(runs.count == 2)
    #expect(runs.first?.tenantID == nil && runs.first?.outcome == .succeeded)

    var neither = try RunwatchCommand.parseAsRoot(
      ["run", "exec", "--db", harness.path, "--type", "policy.sync", "--", "true"])
    #expect(throws: CLIError.self) {
      try CommandIO.$current.withValue(CommandIO(output: { _ in }, message: { _ in }, readInput: { "" })) {
        try neither.run()
      }
    }
  }

  @Test func killedRunExecLeavesTheRunRunningUntilTheReconcilerHealsIt() throws {
    let binary = try #require(Self.runwatchBinary(), "build the runwatch product first")
    let process = Process()
    process.executableURL = binary
    process.arguments = [
      "run", "exec", "--db", harness.path, "--type", "policy.sync", "--tenant", String(tenant.id),
      "--heartbeat-seconds", "0.2", "--", "/bin/sh", "-c", "sleep 2",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait (bounded) for the separate process to start its run; there is no clock to move for another process.
    let deadline = Date().addingTimeInterval(20)
    var running: OperationRun?
    while Date() < deadline {
      if let run = try database.listRuns(
        scope: RunScope(workspaceID: workspace.id), filter: RunFilter(status: .running), limit: 1, now: Date()
      ).runs.first {
        running = run
        break
      }
      usleep(50_000)
    }
    let run = try #require(running)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    usleep(2_500_000)  // The orphaned `sleep 2` ends on its own; nobody is left to complete the run.
    #expect(try database.run(id: run.id)?.status == .running)

    let later = ManualTimeSource(Date().addingTimeInterval(1_201))
    let reconciler = Reconciler(
      lifecycle: LifecycleService(database: database, clock: later), actor: .cliReconciler)
    #expect(try reconciler.reconcile().reconciled == 1)
    let healed = try #require(try database.run(id: run.id))
    #expect(healed.outcome == .failed)
    #expect(healed.reconciliation?.reason == .staleRunning)
    #expect(healed.freshness(policy: database.policy, now: later.now()) == .reconciledFailed)
  }

  @Test func heartbeatRefusedAfterReconcileStopsTheCommand() throws {
    let database = self.database
    let workspaceID = workspace.id
    let reconciled = Mutex(false)
    Thread.detachNewThread {
      let deadline = Date().addingTimeInterval(20)
      while Date() < deadline {
        if let run = try? database.listRuns(
          scope: RunScope(workspaceID: workspaceID), filter: RunFilter(status: .running), limit: 1,
          now: Date()
        ).runs.first {
          let result = try? LifecycleService(database: database, clock: SystemTimeSource())
            .forceFailNonTerminal(
              runID: run.id, expectedStatus: .running, reason: .staleRunning, evidence: [:],
              by: .cliReconciler)
          reconciled.withLock { $0 = result?.isApplied == true }
          return
        }
        usleep(20_000)
      }
    }
    let began = Date()
    let outcome = exec(["--heartbeat-seconds", "0.2"], shell: "sleep 10")
    #expect(Date().timeIntervalSince(began) < 8)
    #expect(reconciled.withLock { $0 })
    #expect(outcome.exitCode == 128 + SIGTERM)
    #expect(outcome.stderr.contains { $0.contains("no longer active, stopping the command") })
    let run = try onlyRun()
    #expect(run.reconciliation?.reason == .staleRunning)
    #expect(try database.lateReports(runID: run.id).map(\.kind).last == "complete")
  }

  @Test func sigtermToRunExecIsForwardedToTheCommand() throws {
    let binary = try #require(Self.runwatchBinary(), "build the runwatch product first")
    let process = Process()
    process.executableURL = binary
    process.arguments = [
      "run", "exec", "--db", harness.path, "--type", "policy.sync", "--tenant", String(tenant.id), "--",
      "/bin/sh", "-c", "echo waiting >&2; exec sleep 10",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let began = Date()
    try process.run()
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline,
      try database.listRuns(
        scope: RunScope(workspaceID: workspace.id), filter: RunFilter(status: .running), limit: 1, now: Date()
      ).runs.isEmpty
    {
      usleep(50_000)
    }
    usleep(300_000)  // Let the command reach `exec sleep`.
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(began) < 9)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 128 + SIGTERM)
    let run = try onlyRun()
    #expect(run.outcome == .failed)
    #expect(run.failures.first?.message.hasPrefix("killed by signal 15") == true)
  }

  /// The built-in policy with a two-second heartbeat window for `policy.sync` (maximum runtime 20 min), as a
  /// policy file, and the scheduled reconciler running against it every 100 ms until the returned stop is called.
  func heartbeatWindowPolicy() throws -> (path: String, policy: LifecyclePolicy) {
    var policy = LifecyclePolicy.builtIn
    policy.types["policy.sync"]?.heartbeatTimeoutSeconds = 2
    let path = harness.directory.appendingPathComponent("policy.yaml").path
    try policy.yamlText.write(toFile: path, atomically: true, encoding: .utf8)
    return (path, policy)
  }

  func reconcileContinuously(policy: LifecyclePolicy) throws -> () -> (passes: Int, reconciled: Int) {
    let reconciler = Reconciler(
      lifecycle: LifecycleService(
        database: try RunwatchDatabase(location: harness.location, policy: policy), clock: SystemTimeSource()),
      actor: .scheduledReconciler)
    let state = Mutex((stop: false, passes: 0, reconciled: 0))
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      while !state.withLock({ $0.stop }) {
        let healed = (try? reconciler.reconcile().reconciled) ?? 0
        state.withLock {
          $0.passes += 1
          $0.reconciled += healed
        }
        usleep(100_000)
      }
      done.signal()
    }
    return {
      state.withLock { $0.stop = true }
      done.wait()
      return state.withLock { ($0.passes, $0.reconciled) }
    }
  }

  @Test func aLongJobThatKeepsReportingOutlivesItsHeartbeatWindowAndSucceeds() throws {
    let (policyPath, policy) = try heartbeatWindowPolicy()
    let stop = try reconcileContinuously(policy: policy)
    // Six seconds of work: three heartbeat windows, well inside the 20-minute maximum runtime. No
    // --heartbeat-interval: run exec paces itself at a third of the window it reads from the run.
    let outcome = exec(
      ["--policy", policyPath],
      shell: "for i in 1 2 3 4 5 6 7 8; do echo \"RUNWATCH progress processed=$i total=8\"; sleep 0.75; done")
    let (passes, reconciled) = stop()
    #expect(outcome.exitCode == 0, "\(outcome.errorMessage) \(outcome.stderr)")
    #expect(passes >= 10, "the reconciler kept looking while the job ran")
    #expect(reconciled == 0)
    let run = try onlyRun()
    #expect(run.outcome == .succeeded)
    #expect(run.reconciliation == nil)
    #expect(run.summaryCounts == ["processed": 8, "total": 8])
    #expect(try database.lateReports(runID: run.id).isEmpty)
  }

  @Test func aJobThatReportsLessOftenThanItsHeartbeatWindowIsReconciledAndStopped() throws {
    let (policyPath, policy) = try heartbeatWindowPolicy()
    let stop = try reconcileContinuously(policy: policy)
    let began = Date()
    let outcome = exec(["--policy", policyPath, "--heartbeat-interval", "5"], shell: "sleep 10")
    let (_, reconciled) = stop()
    #expect(Date().timeIntervalSince(began) < 9, "the refused heartbeat stopped the command")
    #expect(reconciled == 1)
    #expect(outcome.exitCode == 128 + SIGTERM)
    let run = try onlyRun()
    #expect(run.reconciliation?.reason == .staleRunning)
    #expect(run.reconciliation?.evidence["deadline"] == "heartbeat")
  }

  @Test func aProgressLineAfterAQuietPeriodIsReportedAtOnce() throws {
    let database = self.database
    let workspaceID = workspace.id
    let seenWhileRunning = Mutex(false)
    Thread.detachNewThread {
      let deadline = Date().addingTimeInterval(20)
      while Date() < deadline {
        if let run = try? database.listRuns(
          scope: RunScope(workspaceID: workspaceID), filter: RunFilter(), limit: 1, now: Date()
        ).runs.first {
          if run.status == .completed { return }
          if run.summaryCounts["processed"] == 3 {
            seenWhileRunning.withLock { $0 = true }
            return
          }
        }
        usleep(20_000)
      }
    }
    // The next regular heartbeat is 30 s away; the line must not wait for it.
    let outcome = exec(
      ["--heartbeat-interval", "30"],
      shell: "sleep 1.2; echo 'RUNWATCH progress processed=3 total=9'; sleep 2")
    #expect(outcome.exitCode == 0)
    #expect(seenWhileRunning.withLock { $0 }, "the counts reached Runwatch while the command still ran")
    #expect(try onlyRun().summaryCounts == ["processed": 3, "total": 9])
  }

  @Test func theHeartbeatIntervalDefaultsToAThirdOfTheWindow() {
    #expect(RunExecutor.interval(heartbeatWindow: 90) == 30)
    #expect(RunExecutor.interval(heartbeatWindow: nil) == RunExecutor.defaultInterval)
  }

  @Test func progressLinesParseCountsAndIgnoreOtherLines() {
    #expect(
      ProgressLine.counts(in: "RUNWATCH progress processed=10 total=50") == ["processed": 10, "total": 50])
    #expect(ProgressLine.counts(in: "RUNWATCH progress a=-1 b=1.5 =3 c=7") == ["c": 7])
    #expect(ProgressLine.counts(in: "RUNWATCH progressive=1") == nil)
    #expect(ProgressLine.counts(in: "runwatch progress a=1") == nil)
    #expect(ProgressLine.counts(in: "RUNWATCH progress") == [:])
  }

  /// Whether `pid` is a live process: not gone, and not a zombie waiting for a parent that may never reap it
  /// (an orphan's new parent in a container need not).
  static func isAlive(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
  }

  static func runwatchBinary() -> URL? {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [
      beside.appendingPathComponent("runwatch"),
      beside.deletingLastPathComponent().appendingPathComponent("runwatch"),
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/runwatch"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }
}
