import ArgumentParser
import CPseudoTerminal
import Foundation
import RunwatchCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Runs one command as an operation run: create, start, run with heartbeats and progress counts, complete by
/// exit status. Signals to `run exec` (SIGINT, SIGTERM) are forwarded to the command. A `run exec` killed
/// outright leaves the run running; the reconciler heals it once it goes stale.
struct RunExecutor {
  let reporter: any RunReporter
  let type: String
  /// Nil for a workspace-level run.
  let tenantID: Int64?
  let initiator: String?
  let command: [String]
  /// Seconds between heartbeats; `nil` picks `Self.interval(heartbeatWindow:)` from the run's type.
  let heartbeatInterval: TimeInterval?
  /// What to do when Runwatch cannot be reached: run the command anyway (the default) or fail.
  var ifUnreachable: UnreachablePolicy = .run
  let io: CommandIO
  /// Stderr lines kept for the failure message.
  static let keptErrorLines = 20
  /// Heartbeat interval when neither the flag nor the policy gives one.
  static let defaultInterval: TimeInterval = 30
  /// A progress line is sent at once when no report went out for this long (or the interval, if shorter):
  /// a job killed early still shows its last counts, and a chatty job costs at most one request a second.
  static let quietPeriod: TimeInterval = 1

  /// A third of the type's heartbeat window, so two heartbeats can be lost before the run turns stale;
  /// `defaultInterval` for types without one.
  static func interval(heartbeatWindow: Int?) -> TimeInterval {
    guard let heartbeatWindow else { return defaultInterval }
    return max(0.1, Double(heartbeatWindow) / 3)
  }

  /// Runs the command and returns its exit status (128 + signal when it was killed by one).
  func run() throws -> Int32 {
    let context: JSONValue = ["command": .array(command.map(JSONValue.string)), "source": "run exec"]
    let runID: Int64
    let interval: TimeInterval
    do {
      let created = try reporter.create(
        type: type, tenantID: tenantID, initiator: initiator, context: context)
      runID = created.id
      interval = heartbeatInterval ?? Self.interval(heartbeatWindow: created.heartbeatTimeoutSeconds)
      io.message("runwatch: run \(runID) created: \(reporter.location(of: runID))")
      if case .refused(let why) = try reporter.start(runID: runID, worker: worker) {
        throw CLIError("run \(runID) was not started, so the command did not run: \(why)")
      }
    } catch let unreachable as ReporterUnreachable {
      guard ifUnreachable == .run else {
        throw CLIError("\(unreachable.description); the command did not run (--if-unreachable fail)")
      }
      io.message(
        "runwatch: warning: \(unreachable.description); running the command without a run (--if-unreachable run)"
      )
      let state = ExecState()
      let (process, readers) = try launch(state: state, quiet: Self.quietPeriod)
      return finish(process, readers: readers).status
    }

    let state = ExecState()
    let launched: (process: Process, readers: DispatchGroup)
    do {
      launched = try launch(state: state, quiet: min(Self.quietPeriod, interval))
    } catch {
      _ = try? reporter.complete(
        runID: runID, outcome: .failed, counts: [:],
        failures: [RunFailure(code: "run_exec.launch_failed", message: "could not launch \(command[0])")])
      throw CLIError("could not launch \(command[0]): \(error.localizedDescription)")
    }
    startHeartbeats(runID: runID, process: launched.process, state: state, interval: interval)
    let (status, how) = finish(launched.process, readers: launched.readers, stopping: state)

    let counts = state.counts()
    let outcome: RunOutcome = status == 0 ? .succeeded : .failed
    var failures: [RunFailure] = []
    if status != 0 {
      let tail = state.errorLines().joined(separator: "\n")
      failures = [
        RunFailure(code: "run_exec.command_failed", message: tail.isEmpty ? how : "\(how): \(tail)")
      ]
    }
    do {
      switch try reporter.complete(runID: runID, outcome: outcome, counts: counts, failures: failures) {
      case .accepted: io.message("runwatch: run \(runID) completed as \(outcome.rawValue)")
      case .refused(let why): io.message("runwatch: run \(runID) was already finished; report kept: \(why)")
      }
    } catch let unreachable as ReporterUnreachable where ifUnreachable == .run {
      io.message(
        "runwatch: warning: could not report the end of run \(runID): \(unreachable.description); the reconciler will finish it"
      )
    }
    return status
  }

  /// Launches the command: stdout through a pseudo-terminal (so the command's C library flushes each line
  /// instead of a block, and a job killed mid-way has shown every line it printed), progress lines parsed into
  /// `state` and the rest passed on; stderr passed on with its tail kept for the failure message. The command
  /// runs under `setpriv --pdeathsig KILL`, so it dies with `run exec` even when `run exec` is killed outright.
  private func launch(state: ExecState, quiet: TimeInterval) throws -> (Process, DispatchGroup) {
    let process = Process()
    if FileManager.default.isExecutableFile(atPath: Self.setpriv) {
      process.executableURL = URL(fileURLWithPath: Self.setpriv)
      process.arguments = ["--pdeathsig", "KILL", "--"] + command
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = command
    }
    let terminal = try PseudoTerminal.open()
    let errPipe = Pipe()
    process.standardOutput = FileHandle(fileDescriptor: terminal.secondary, closeOnDealloc: false)
    process.standardError = errPipe
    process.standardInput = FileHandle.standardInput

    let readers = DispatchGroup()
    Self.readLines(FileHandle(fileDescriptor: terminal.primary, closeOnDealloc: true), group: readers) {
      [io] line in
      if let counts = ProgressLine.counts(in: line) {
        state.merge(counts, nudgeAfterQuiet: quiet)
      } else {
        io.output(line)
      }
    }
    Self.readLines(errPipe.fileHandleForReading, group: readers) { [io] line in
      state.keepErrorLine(line, limit: Self.keptErrorLines)
      io.message(line)
    }
    // A parent may have started us with these signals blocked (the mask survives exec); the command inherits
    // this thread's mask, and forwarding needs them delivered, so unblock them here.
    SignalForwarding.unblock([SIGINT, SIGTERM])
    do {
      try process.run()
    } catch {
      close(terminal.secondary)
      try? errPipe.fileHandleForWriting.close()
      throw error
    }
    // The command has its copy; ours must go, or the reader would never see the end of its output.
    close(terminal.secondary)
    return (process, readers)
  }

  /// Waits for the command with SIGINT and SIGTERM forwarded to it, stops the heartbeats, drains its output,
  /// and returns its status (128 + signal when a signal ended it) and how it ended, in words.
  private func finish(_ process: Process, readers: DispatchGroup, stopping state: ExecState? = nil) -> (
    status: Int32, how: String
  ) {
    // Only now: an ignored disposition set before the launch would be inherited by the command, which could
    // then never be stopped with SIGTERM.
    let forwarding = SignalForwarding(signals: [SIGINT, SIGTERM])
    forwarding.forward(to: process.processIdentifier)
    process.waitUntilExit()
    forwarding.cancel()
    state?.stopHeartbeats()
    // A command's own children may keep the output open after it exits; do not wait for them for long.
    _ = readers.wait(timeout: .now() + 2)
    let killed = process.terminationReason == .uncaughtSignal
    let status: Int32 = killed ? 128 + process.terminationStatus : process.terminationStatus
    return (
      status, killed ? "killed by signal \(process.terminationStatus)" : "exited with status \(status)"
    )
  }

  /// Who starts the run: this host, this `run exec` process and the command it wraps (shown on the run's
  /// page, where to look when it stops reporting).
  var worker: WorkerIdentity {
    let name = "run exec: " + command.joined(separator: " ")
    return WorkerIdentity(
      host: ProcessInfo.processInfo.hostName, pid: Int64(getpid()),
      name: String(name.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(200)))
  }

  /// util-linux's `setpriv` (in every Debian), which sets the parent-death signal and then runs the command.
  static let setpriv = "/usr/bin/setpriv"

  /// Heartbeats every `interval`, and early when a progress line follows a quiet period, until stopped. A
  /// refusal means the run was finished elsewhere (reconciled): the command is stopped with SIGTERM. Transport
  /// errors are reported and retried at the next beat.
  private func startHeartbeats(runID: Int64, process: Process, state: ExecState, interval: TimeInterval) {
    let pid = process.processIdentifier
    let (reporter, io) = (reporter, io)
    Thread.detachNewThread {
      while state.waitForBeat(interval: interval) {
        do {
          if case .refused(let why) = try reporter.heartbeat(runID: runID, counts: state.counts()) {
            io.message("runwatch: run \(runID) is no longer active, stopping the command: \(why)")
            kill(SignalForwarding.target(of: pid), SIGTERM)
            return
          }
        } catch {
          io.message("runwatch: heartbeat for run \(runID) failed, will retry: \(error)")
        }
      }
    }
  }

  /// Reads `handle` line by line on a background thread until end of file.
  private static func readLines(
    _ handle: FileHandle, group: DispatchGroup, _ line: @escaping @Sendable (String) -> Void
  ) {
    group.enter()
    Thread.detachNewThread {
      var pending = Data()
      var buffer = [UInt8](repeating: 0, count: 65_536)
      while true {
        // Read(2) directly: a pseudo-terminal answers EIO, not end of file, once the command has closed its
        // side, and FileHandle turns that into a crash.
        let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { break }
        pending.append(contentsOf: buffer[0..<count])
        while let newline = pending.firstIndex(of: 10) {
          line(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
          pending.removeSubrange(pending.startIndex...newline)
        }
      }
      if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
      group.leave()
    }
  }
}

/// Counts, heartbeat pacing and the stderr tail shared by the reader and heartbeat threads.
final class ExecState: Sendable {
  private struct Pacing {
    var lastBeat = ContinuousClock.now
    var nudged = false
    var stopped = false
  }

  private let latestCounts = Mutex<[String: Int64]>([:])
  private let tail = Mutex<[String]>([])
  private let pacing = Mutex(Pacing())
  /// Signalled to wake the heartbeat thread early (a progress line after a quiet period, or stop).
  private let wake = DispatchSemaphore(value: 0)

  /// Merges progress counts; wakes the heartbeat thread when nothing was reported for `quiet` seconds.
  func merge(_ counts: [String: Int64], nudgeAfterQuiet quiet: TimeInterval) {
    latestCounts.withLock { $0.merge(counts) { _, new in new } }
    let nudge = pacing.withLock { pacing in
      guard !pacing.nudged, !pacing.stopped, ContinuousClock.now - pacing.lastBeat >= .seconds(quiet) else {
        return false
      }
      pacing.nudged = true
      return true
    }
    if nudge { wake.signal() }
  }

  /// Blocks until the next heartbeat is due (after `interval`, or earlier when nudged) and returns true, or
  /// returns false once heartbeats are stopped.
  func waitForBeat(interval: TimeInterval) -> Bool {
    _ = wake.wait(timeout: .now() + interval)
    return pacing.withLock { pacing in
      guard !pacing.stopped else { return false }
      pacing.lastBeat = ContinuousClock.now
      pacing.nudged = false
      return true
    }
  }

  /// Ends the heartbeat loop (at once, even mid-wait).
  func stopHeartbeats() {
    pacing.withLock { $0.stopped = true }
    wake.signal()
  }

  func counts() -> [String: Int64] { latestCounts.withLock { $0 } }
  func keepErrorLine(_ line: String, limit: Int) {
    tail.withLock {
      $0.append(line)
      if $0.count > limit { $0.removeFirst($0.count - limit) }
    }
  }
  func errorLines() -> [String] { tail.withLock { $0 } }
}

/// Where forwarded signals go: the command's process group when it leads one (so a shell's children get them
/// too), else its pid; 0 when no command is running. A global atomic because a C signal handler captures
/// nothing, and an atomic load and `kill` are both async-signal-safe.
private let signalTarget = Atomic<Int32>(0)

private func forwardSignal(_ number: Int32) {
  let target = signalTarget.load(ordering: .relaxed)
  if target != 0 { kill(target, number) }
}

/// Forwards SIGINT and SIGTERM to the command while it runs, instead of letting them end `run exec` first (which
/// would leave the run to the reconciler although the command could still report). Handlers, unlike an ignored
/// disposition, are reset by exec, so the command starts with default signal handling.
struct SignalForwarding {
  let signals: [Int32]

  /// The kill target for `pid`: its process group when it leads one.
  static func target(of pid: pid_t) -> pid_t { getpgid(pid) == pid ? -pid : pid }

  /// Unblocks `signals` on the calling thread.
  static func unblock(_ signals: [Int32]) {
    var set = sigset_t()
    sigemptyset(&set)
    for number in signals { sigaddset(&set, number) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  /// Starts forwarding to `pid`.
  func forward(to pid: pid_t) {
    signalTarget.store(Self.target(of: pid), ordering: .relaxed)
    for number in signals { signal(number, forwardSignal) }
  }

  /// Stops forwarding and restores the default dispositions.
  func cancel() {
    for number in signals { signal(number, SIG_DFL) }
    signalTarget.store(0, ordering: .relaxed)
  }
}

/// `run exec --if-unreachable`: what to do when Runwatch cannot be reached at all.
enum UnreachablePolicy: String, CaseIterable, Sendable, ExpressibleByArgument {
  /// Run the command anyway, with a warning: monitoring never stops the job.
  case run
  /// Do not run the command; exit 1.
  case fail
}

/// A pseudo-terminal pair: the command writes to `secondary` (a terminal, so its output is line-buffered),
/// `run exec` reads `primary`. Output processing is off, so lines arrive as written (no CR added).
struct PseudoTerminal {
  let primary: Int32
  let secondary: Int32

  static func open() throws -> PseudoTerminal {
    var primary: Int32 = -1
    var secondary: Int32 = -1
    guard runwatch_open_pseudo_terminal(&primary, &secondary) == 0 else {
      throw CLIError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
    }
    return PseudoTerminal(primary: primary, secondary: secondary)
  }
}
