import Foundation

/// One writer connection and a pool of reader connections over a single SQLite file in WAL mode.
/// Writers are serialized in-process (SQLite allows one writer anyway); readers run concurrently and
/// never block on the writer thanks to WAL.
///
/// `@unchecked Sendable` because connections are not thread-safe on their own: the writer is only touched
/// while `writerLock` is held, and a reader is owned by exactly one thread between check-out and check-in
/// (the idle list is only touched under `readersLock`). No connection escapes the `read`/`write` closures.
public final class DatabasePool: @unchecked Sendable {
  /// File path of the database.
  public let path: String
  private let writer: Connection
  /// Whether the pool was opened for reading only (`write` then fails with `SQLITE_READONLY`).
  public let isReadOnly: Bool
  private let readsImmutable: Bool
  /// Whether the last write reached SQLite and committed, or failed with a transient fault.
  public let writeHealth = WriteHealth()
  private let writerLock = FairLock()
  private var idleReaders: [Connection] = []
  private let readersLock = NSLock()
  private let maximumIdleReaders: Int
  /// Copies the WAL back off the writers' path (nil for a read-only pool).
  private let checkpointer: WALCheckpointer?

  /// Opens the database at `path`, creating the file if needed.
  public init(path: String, maximumIdleReaders: Int = 8) throws(SQLiteError) {
    self.path = path
    self.writer = try Connection(path: path)
    self.isReadOnly = false
    self.readsImmutable = false
    self.maximumIdleReaders = maximumIdleReaders
    let checkpointer = WALCheckpointer(path: path)
    self.checkpointer = checkpointer
    checkpointer.pool = self
    checkpointer.install(on: writer)
  }

  deinit {
    if checkpointer != nil { WALCheckpointer.uninstall(from: writer) }
  }

  /// Opens the existing database at `path` for reading only: nothing is created, migrated or written (a dry
  /// run). Works on a read-only file, and in a read-only directory too: where SQLite could not create the WAL's
  /// shared-memory file, the file is read as immutable, which is safe because no writer can be using WAL there.
  public init(readingOnly path: String, maximumIdleReaders: Int = 2) throws(SQLiteError) {
    self.path = path
    let directory = (path as NSString).deletingLastPathComponent
    let immutable =
      !FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory)
      && !FileManager.default.fileExists(atPath: path + "-shm")
    self.readsImmutable = immutable
    self.writer = try Connection(path: path, readOnly: true, immutable: immutable)
    try writer.executeScript("PRAGMA query_only = ON")
    self.isReadOnly = true
    self.maximumIdleReaders = maximumIdleReaders
    self.checkpointer = nil
  }

  /// Runs `body` with exclusive use of the writer connection. Open a transaction inside for atomicity.
  ///
  /// A body that committed changes clears `writeHealth`; one that failed with a transient SQLite error records
  /// it (the connection itself is usable again at once: `Connection.transaction` rolled back).
  @discardableResult
  public func write<T>(_ body: (Connection) throws -> T) throws -> T {
    writerLock.lock()
    defer { writerLock.unlock() }
    let changesBefore = writer.totalChanges
    do {
      let result = try body(writer)
      if writer.totalChanges != changesBefore, writer.isAutocommit { writeHealth.recordSuccess() }
      return result
    } catch let error as SQLiteError where error.isTransient {
      writeHealth.record(error)
      throw error
    }
  }

  /// Runs `body` inside an IMMEDIATE transaction on the writer connection.
  @discardableResult
  public func writeTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
    try write { connection in try connection.transaction(.immediate) { try body(connection) } }
  }

  /// Bytes in the write-ahead log file now (0 when there is none).
  public var walSizeBytes: Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
    return (attributes?[.size] as? NSNumber)?.intValue ?? 0
  }

  /// Copies the WAL back now, holding the writer lock: a passive checkpoint always, and once the WAL has grown
  /// past `truncateAboveBytes` a truncating one (it waits for current readers, briefly holding up writers, and
  /// leaves a zero-byte WAL). Writes need not call it: `WALCheckpointer` copies the WAL off their path as it
  /// grows and restarts it at 64 MB (`restartWAL`); this is for callers that want the file self-contained now.
  public func checkpoint(truncateAboveBytes: Int = Connection.journalSizeLimitBytes) throws {
    try write { (connection: Connection) -> Void in
      if walSizeBytes > truncateAboveBytes {
        try connection.checkpoint(.truncate)
      } else {
        try connection.checkpoint(.passive)
      }
    }
  }

  /// Copies the last frames back and makes the next write start the WAL from its beginning, holding the
  /// writer lock (the checkpointer's step 2, after it has copied the bulk with nothing held).
  func restartWAL() throws {
    try write { (connection: Connection) -> Void in try connection.checkpoint(.restart) }
  }

  /// Waits for a checkpoint the WAL hook has scheduled, if any (tests).
  public func waitForBackgroundCheckpoint() {
    checkpointer?.waitUntilIdle()
  }

  /// Runs `body` on a reader connection inside a deferred transaction, so it sees one consistent snapshot.
  ///
  /// A `read` inside another `read` on the same thread joins it: same connection, same transaction, same
  /// snapshot. So a page that asks several queries inside one outer `read` (see `RunwatchDatabase.snapshot`)
  /// opens one transaction and sees one state of the database, however its queries are split into functions.
  public func read<T>(_ body: (Connection) throws -> T) throws -> T {
    if let current = ReadOfThisThread.connection(of: self, as: Connection.self) {
      return try body(current)
    }
    let connection = try checkOutReader()
    defer { checkIn(connection) }
    return try ReadOfThisThread.joining(pool: self, connection: connection) {
      try connection.transaction(.deferred) { try body(connection) }
    }
  }

  private func checkOutReader() throws -> Connection {
    readersLock.lock()
    let reused = idleReaders.popLast()
    readersLock.unlock()
    if let reused { return reused }
    let connection = try Connection(path: path, readOnly: true, immutable: readsImmutable)
    try connection.executeScript("PRAGMA query_only = ON")
    return connection
  }

  private func checkIn(_ connection: Connection) {
    readersLock.lock()
    defer { readersLock.unlock() }
    if idleReaders.count < maximumIdleReaders { idleReaders.append(connection) }
  }
}

/// A mutex that hands itself to waiters in arrival order. The writer connection is taken by the reconciler many
/// times in a row (one short transaction after another); with an unfair lock it re-takes it before a waiting
/// heartbeat's thread even wakes, and workers wait for the whole heal. Here each waiter gets the lock after the
/// transactions ahead of it, so no write waits longer than the queue in front of it.
///
/// `@unchecked Sendable`: `nextTicket` and `serving` are only read or written while `condition` is locked.
final class FairLock: @unchecked Sendable {
  private let condition = NSCondition()
  private var nextTicket: UInt64 = 0
  private var serving: UInt64 = 0

  /// Waits for this caller's turn.
  func lock() {
    condition.lock()
    let ticket = nextTicket
    nextTicket &+= 1
    while ticket != serving { condition.wait() }
    condition.unlock()
  }

  /// Passes the lock to the next caller in line.
  func unlock() {
    condition.lock()
    serving &+= 1
    condition.broadcast()
    condition.unlock()
  }
}
