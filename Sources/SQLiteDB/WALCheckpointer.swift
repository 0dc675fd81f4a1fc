import CSQLite
import Dispatch
import Foundation

/// Copies the write-ahead log back into the database file off the writers' path.
///
/// SQLite's own auto-checkpoint runs inside the commit that crosses 1,000 WAL frames, while that writer holds
/// the write lock: the commit then also reads and copies 4 MB of pages and waits for two `fsync`s, and every
/// write queued behind it (a worker's heartbeat) waits too. During an incident's heal that happened every few
/// hundred runs and set the heartbeats' p99. Here the writer connection's WAL hook only notes that the WAL
/// has grown by ~16 MB; a checkpoint then runs on a utility queue with its own connection, in two steps:
/// 1. the bulk, holding nothing: a passive checkpoint copies every frame no reader still needs, and syncs;
/// 2. once the WAL holds ~64 MB: a second pass for what was committed during the first, then, holding the pool's
///    writer lock so nothing new arrives, a RESTART checkpoint of the few frames left, so the next write starts
///    the WAL again from its beginning (a file past `journal_size_limit` is cut back to it). The file stays
///    bounded under any write load, and writers wait only for the last few milliseconds' frames.
///
/// `@unchecked Sendable`: `pending` is only touched under `lock`; `connection` only on `queue`.
final class WALCheckpointer: @unchecked Sendable {
  /// WAL frames (pages) after which a checkpoint is scheduled (~16 MB). Four times SQLite's own auto-checkpoint
  /// size: a page that several transactions rewrite (an index leaf, the audit log's last page) is copied once
  /// per checkpoint, and every checkpoint sorts the WAL's index and syncs twice — during a heal of 30,000 runs
  /// the checkpointer's CPU went from 1.0 s to 0.5 s.
  static let framesBeforeCheckpoint: Int32 = 4_096
  /// WAL frames after which step 2 runs too, so the WAL starts again (~64 MB, `journal_size_limit`). Under a
  /// steady stream of writes step 1 alone never catches up with the last commit, and only a WAL whose every
  /// frame is copied can start again; step 2 holds writers up for the tail's copy and sync (a few ms), so it
  /// runs once every 64 MB rather than on every checkpoint.
  static let framesBeforeRestart = Int32(Connection.journalSizeLimitBytes / 4_096)

  private let path: String
  private let queue = DispatchQueue(label: "runwatch.sqlite.checkpoint", qos: .utility)
  private let lock = NSLock()
  private var pending = false
  private var connection: Connection?
  /// The pool whose writer lock step 2 takes; weak, because the pool owns this checkpointer.
  weak var pool: DatabasePool?

  init(path: String) {
    self.path = path
  }

  /// Called by the writer's WAL hook after each commit, inside the write lock, with the frames now in the
  /// WAL: schedules one checkpoint once there are enough, and never blocks.
  func walGrew(frames: Int32) {
    guard frames >= Self.framesBeforeCheckpoint else { return }
    lock.lock()
    let schedule = !pending
    pending = true
    lock.unlock()
    let restart = frames >= Self.framesBeforeRestart
    if schedule { queue.async { [weak self] in self?.run(restart: restart) } }
  }

  /// Runs step 1, and step 2 when `restart` says the WAL has grown long enough to be started again.
  private func run(restart: Bool) {
    defer {
      lock.lock()
      pending = false
      lock.unlock()
    }
    guard let pool else { return }
    do {
      if connection == nil { connection = try Connection(path: path) }
      try connection?.checkpoint(.passive)
      if restart {
        // Once more with nothing held, for what was committed during the bulk, so the tail copied while
        // writers wait is a few milliseconds' worth.
        try connection?.checkpoint(.passive)
        try pool.restartWAL()
      }
    } catch {
      // The WAL stays as it is and the next commit past the threshold schedules another try. A storage fault
      // here is also met by the next write, which reports it (`WriteHealth`).
    }
  }

  /// Installs the hook on `writer` (replacing SQLite's auto-checkpoint, which is itself a WAL hook).
  func install(on writer: Connection) {
    let context = Unmanaged.passUnretained(self).toOpaque()
    sqlite3_wal_hook(
      writer.handle,
      { context, _, _, frames in
        if let context {
          Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(frames: frames)
        }
        return SQLITE_OK
      }, context)
  }

  /// Removes the hook from `writer` (before the checkpointer goes away).
  static func uninstall(from writer: Connection) {
    sqlite3_wal_hook(writer.handle, nil, nil)
  }

  /// Waits until a scheduled checkpoint, if any, has finished (tests).
  func waitUntilIdle() {
    queue.sync {}
  }
}
