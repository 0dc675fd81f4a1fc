import Foundation

/// A dedicated thread that runs a pass again and again until stopped: the reconcile loop, the webhook
/// deliverer and the demo fleet each run on one. A thread, not a Task: their passes block on SQLite or HTTP and
/// must not occupy the cooperative pool that serves requests.
///
/// After each pass the thread waits the seconds the pass returned (0: the next pass at once); `stop()` cuts the
/// wait short, lets a pass in flight finish (passes that can end early ask `stopRequested`), and returns once
/// the thread has exited.
///
/// `@unchecked Sendable` because its mutable state is only read or written while `condition` is locked.
public final class BackgroundThread: @unchecked Sendable {
  /// The thread's name (shown by debuggers and `top -H`).
  public let name: String
  private let condition = NSCondition()
  private var running = false
  private var stopping = false
  private var exited = true

  /// A stopped thread named `name`.
  public init(name: String) {
    self.name = name
  }

  /// Whether the thread has been started and not stopped.
  public var isRunning: Bool {
    condition.lock()
    defer { condition.unlock() }
    return running
  }

  /// Whether `stop()` has been asked: a long pass checks it to end at its next safe point.
  public var stopRequested: Bool {
    condition.lock()
    defer { condition.unlock() }
    return stopping
  }

  /// Starts calling `pass` on the thread; the first pass runs at once. With `firstPassAlways`, that first pass
  /// runs even when `stop()` comes before the thread does. Returns false, doing nothing, when already running.
  @discardableResult
  public func start(firstPassAlways: Bool = false, _ pass: @escaping @Sendable () -> TimeInterval) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard !running else { return false }
    running = true
    stopping = false
    exited = false
    let thread = Thread { [self] in run(firstPassAlways: firstPassAlways, pass) }
    thread.name = name
    thread.start()
    return true
  }

  /// Asks the thread to stop and waits until it has exited. Returns false when it was not running.
  @discardableResult
  public func stop() -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard running else { return false }
    stopping = true
    condition.broadcast()
    while !exited { condition.wait() }
    running = false
    return true
  }

  private func run(firstPassAlways: Bool, _ pass: () -> TimeInterval) {
    var first = firstPassAlways
    while first || !stopRequested {
      first = false
      let pause = pass()
      condition.lock()
      let deadline = Date().addingTimeInterval(pause)
      while !stopping, pause > 0, condition.wait(until: deadline) {}
      condition.unlock()
    }
    condition.lock()
    exited = true
    condition.broadcast()
    condition.unlock()
  }
}
