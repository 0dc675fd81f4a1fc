import Foundation

/// A bounded pool of connections to one PostgreSQL database. A caller takes a connection for the length of
/// its closure; at most `maximumConnections` exist at once, and a caller past that waits for one to come
/// back. A connection that comes back broken or inside a transaction is closed instead of kept.
///
/// `@unchecked Sendable`: `idle` and `open` are only touched while `condition` is locked, and a connection is
/// used by one thread at a time between check-out and check-in.
public final class PostgresPool: @unchecked Sendable {
  /// The connection string or URI every connection uses.
  public let url: String
  /// The most connections open at once.
  public let maximumConnections: Int
  private let condition = NSCondition()
  private var idle: [PostgresConnection] = []
  private var open = 0

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
