import Foundation

/// The read transaction this thread has open, and on which pool: a `read` nested inside another on the same
/// thread and pool joins it instead of taking a second connection, so the reads of one page see one snapshot
/// (and a bounded pool already at its limit cannot make a thread wait for itself). Both engines' pools keep
/// their open read here.
public enum ReadOfThisThread {
  /// The connection `pool` has a read open on, on this thread. Only `pool` records connections for itself, so
  /// the connection is of the type it gave.
  @inline(__always)
  public static func connection<Connection: AnyObject>(of pool: AnyObject, as type: Connection.Type)
    -> Connection?
  {
    guard let current = Entry.current, current.pool === pool else { return nil }
    return unsafeDowncast(current.connection, to: Connection.self)
  }

  /// Runs `body` with `connection` recorded as `pool`'s read on this thread, and restores what was recorded
  /// before (a read of another pool) when it returns.
  public static func joining<T>(pool: AnyObject, connection: AnyObject, _ body: () throws -> T) rethrows -> T
  {
    let outer = Entry.current
    Entry.current = Entry(pool: pool, connection: connection)
    defer { Entry.current = outer }
    return try body()
  }

  private final class Entry {
    unowned let pool: AnyObject
    let connection: AnyObject

    init(pool: AnyObject, connection: AnyObject) {
      self.pool = pool
      self.connection = connection
    }

    private static let key: pthread_key_t = {
      var key = pthread_key_t()
      // The value is retained while set; a thread that exits with one set (it never does: `joining` clears it
      // on the way out) would leak it, so no destructor is needed.
      precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
      return key
    }()

    static var current: Entry? {
      get { pthread_getspecific(key).map { Unmanaged<Entry>.fromOpaque($0).takeUnretainedValue() } }
      set {
        if let old = pthread_getspecific(key) { Unmanaged<Entry>.fromOpaque(old).release() }
        pthread_setspecific(key, newValue.map { Unmanaged.passRetained($0).toOpaque() })
      }
    }
  }
}
