import Foundation

/// A bounded pool of connections to one PostgreSQL database. A caller takes a connection for the length of
/// its closure; at most `maximumConnections` exist at once, and a caller past that waits for one to come
/// back. A connection that comes back broken or inside a transaction is closed instead of kept.
///
/// `@unchecked Sendable`: `idle` and `open` are only touched while `condition` is locked, and a connection is
/// used by one thread at a time between check-out and check-in.
public final class PostgresPool: Database, @unchecked Sendable {
  /// The connection string or URI every connection uses.
  public let url: String
  /// The most connections open at once.
  public let maximumConnections: Int
  private let condition = NSCondition()
  private var idle: [PostgresConnection] = []
  private var open = 0
  /// Whether writes have been failing lately.
  public let writeHealth = WriteHealth()

  /// A pool for `url`; no connection is made until one is needed.
  public init(url: String, maximumConnections: Int = 8) {
    self.url = url
    self.maximumConnections = max(1, maximumConnections)
  }

  /// Runs `body` with a connection of the pool.
  public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
    let connection = try checkOut()
    defer { checkIn(connection) }
    return try body(connection)
  }

  /// Runs `body` inside a transaction on a connection of the pool.
  public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
    try withConnection { connection in try connection.transaction { try body(connection) } }
  }

  /// Runs `body` in a read-only `REPEATABLE READ` transaction: every query in it sees one snapshot. A `read`
  /// nested inside another on the same thread joins the outer one.
  public func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    if let current = ReadOfThisThread.connection(of: self, as: PostgresConnection.self) {
      return try body(current)
    }
    return try withConnection { connection in
      try ReadOfThisThread.joining(pool: self, connection: connection) {
        try connection.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
          try body(connection)
        }
      }
    }
  }

  /// Runs `body` on a connection outside any transaction; each statement commits by itself unless `body`
  /// opens one. Transient failures are recorded in `writeHealth`, success clears it.
  @discardableResult
  public func write<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    do {
      let result = try withConnection { connection in try body(connection) }
      writeHealth.recordSuccess()
      return result
    } catch let error as PostgresError where error.isTransient {
      writeHealth.record(error)
      throw error
    }
  }

  /// Runs `body` in one read-write transaction (`READ COMMITTED`; transitions compare and set row by row).
  @discardableResult
  public func writeTransaction<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
    try write { connection in try connection.transaction { try body(connection) } }
  }

  /// Runs `body` holding the session-level advisory lock `key` on a connection of its own, taken with
  /// `pg_try_advisory_lock` (nil at once when another session holds it) and released when `body` returns. A
  /// process that dies closes its connection and PostgreSQL releases the lock with the session. The lock is
  /// scoped to the connection's current schema (`key`, and a hash of the schema's name), so two databases
  /// kept as schemas of one PostgreSQL database never share a lease. `key` must fit in 32 bits.
  public func withLease<T>(_ key: Int64, _ body: () throws -> T) throws -> T? {
    try withConnection { connection in
      let lock = "SELECT pg_try_advisory_lock(CAST(? AS integer), hashtext(current_schema())) AS granted"
      guard try connection.queryOne(lock, [key])?.int64("granted") == 1 else { return nil }
      defer {
        let unlock = "SELECT pg_advisory_unlock(CAST(? AS integer), hashtext(current_schema())) AS released"
        let released = try? connection.queryOne(unlock, [key])
        if released?.int64("released") != 1 { connection.discard() }
      }
      return try body()
    }
  }

  /// Connections open now (in use or idle).
  public var openConnections: Int {
    condition.lock()
    defer { condition.unlock() }
    return open
  }

  private func checkOut() throws -> PostgresConnection {
    condition.lock()
    while idle.isEmpty && open >= maximumConnections { condition.wait() }
    if let connection = idle.popLast() {
      condition.unlock()
      return connection
    }
    open += 1
    condition.unlock()
    do {
      return try PostgresConnection(url: url)
    } catch {
      condition.lock()
      open -= 1
      condition.signal()
      condition.unlock()
      throw error
    }
  }

  private func checkIn(_ connection: PostgresConnection) {
    let reusable = connection.isReusable
    condition.lock()
    if reusable { idle.append(connection) } else { open -= 1 }
    condition.signal()
    condition.unlock()
  }
}
