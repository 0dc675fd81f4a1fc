import Foundation
import Testing

@testable import PostgresDB

/// The libpq wrapper against a real PostgreSQL server. `make test-postgres` (part of `make test`) starts a
/// throw-away cluster and sets `RUNWATCH_TEST_POSTGRES_URL`; a plain `swift test` without it skips this suite.
@Suite(
  .enabled(if: PostgresTestServer.url != nil, "needs RUNWATCH_TEST_POSTGRES_URL: run `make test-postgres`"))
struct PostgresConnectionTests {
  let url = PostgresTestServer.url ?? ""

  @Test func everyValueTypeRoundTripsInBinary() throws {
    let connection = try PostgresConnection(url: url)
    let instants = [
      Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_765_000_000.123456),
      Date(timeIntervalSince1970: -1_000_000_000.5), Date(timeIntervalSince1970: 946_684_800),
    ]
    var values: [SQLValue] = [
      .integer(0), .integer(-1), .integer(.max), .integer(.min), .real(3.25), .real(-0.000_1),
      .text(""), .text("Grüße, 東京 — \"quoted\" 'single'"), .blob([0, 1, 2, 255]), .blob([]),
    ]
    values += instants.map { .timestamp($0) }
    for value in values {
      let row = try #require(try connection.queryOne("SELECT $1 AS v", [value]))
      if case .timestamp(let sent) = value, case .timestamp(let received) = row["v"] {
        #expect(abs(sent.timeIntervalSince1970 - received.timeIntervalSince1970) < 0.000_001)
      } else {
        #expect(row["v"] == value)
      }
    }
    // Booleans read as SQLite stores them; `numeric` (SUM of bigints) as an integer when it has no fraction.
    let row = try #require(
      try connection.queryOne(
        """
        SELECT true AS yes, false AS no, SUM(x) AS total, -SUM(x) AS negative, CAST(0 AS numeric) AS zero,
          CAST(12345678.5 AS numeric) AS fraction, CAST(100000000 AS numeric) AS round
        FROM (VALUES (CAST(9223372036854775 AS bigint)), (CAST(10001 AS bigint))) AS t(x)
        """, []))
    #expect(row["yes"] == .integer(1) && row["no"] == .integer(0))
    #expect(row["total"] == .integer(9_223_372_036_864_776))
    #expect(row["negative"] == .integer(-9_223_372_036_864_776))
    #expect(row["zero"] == .integer(0) && row["round"] == .integer(100_000_000))
    #expect(row["fraction"] == .real(12_345_678.5))
    // NULL comes back as NULL whatever the parameter's type.
    let null = try #require(try connection.queryOne("SELECT $1::bigint AS v", [Int64?.none]))
    #expect(null["v"] == .null)
  }

  @Test func rowsAreReadByNameAndChangesCounted() throws {
    let connection = try PostgresConnection(url: url)
    try connection.executeScript(
      "CREATE TEMP TABLE items (id bigint PRIMARY KEY, name text NOT NULL, seen timestamptz, small integer)")
    let now = Date(timeIntervalSince1970: 1_765_000_000)
    for id in 1...3 {
      #expect(
        try connection.execute(
          "INSERT INTO items (id, name, seen, small) VALUES ($1, $2, $3, $4)",
          [Int64(id), "item \(id)", id == 2 ? nil : now, Int64(id * 10)]) == 1)
    }
    #expect(try connection.execute("UPDATE items SET name = name || '!' WHERE id >= $1", [2]) == 2)
    let rows = try connection.query("SELECT id, name, seen, small FROM items ORDER BY id")
    #expect(rows.map { $0.int64("id") } == [1, 2, 3])
    #expect(rows.map { $0.string("name") } == ["item 1", "item 2!", "item 3!"])
    #expect(rows[0].date("seen") == now && rows[1].date("seen") == nil)
    #expect(rows[2].int64("small") == 30, "an integer column reads as Int64")
  }

  @Test func theSameSQLWithOtherParameterTypesIsPreparedAgain() throws {
    let connection = try PostgresConnection(url: url)
    #expect(try connection.queryOne("SELECT $1 AS v", [Int64(7)])?["v"] == .integer(7))
    #expect(try connection.queryOne("SELECT $1 AS v", ["seven"])?["v"] == .text("seven"))
    #expect(try connection.queryOne("SELECT $1 AS v", [Int64(8)])?["v"] == .integer(8))
  }

  @Test func errorsCarrySQLStateMessageAndSQL() throws {
    let connection = try PostgresConnection(url: url)
    try connection.executeScript("CREATE TEMP TABLE unique_names (name text PRIMARY KEY)")
    try connection.execute("INSERT INTO unique_names VALUES ($1)", ["ana"])
    let duplicate = #expect(throws: PostgresError.self) {
      try connection.execute("INSERT INTO unique_names VALUES ($1)", ["ana"])
    }
    #expect(duplicate?.sqlState == "23505")
    #expect(duplicate?.isUniqueViolation == true)
    #expect(duplicate?.isTransient == false)
    #expect(duplicate?.sql == "INSERT INTO unique_names VALUES ($1)")
    #expect(duplicate?.description.contains("ana") == false, "bound values never appear in errors")
    let syntax = #expect(throws: PostgresError.self) { try connection.query("SELEC 1") }
    #expect(syntax?.sqlState == "42601")
    // The connection is still usable after both.
    #expect(try connection.queryOne("SELECT 1 AS one")?.int64("one") == 1)
  }

  @Test func aServerThatIsNotThereIsATransientClientError() throws {
    let error = #expect(throws: PostgresError.self) {
      _ = try PostgresConnection(url: "postgresql://runwatch@127.0.0.1:1/none?connect_timeout=2")
    }
    #expect(error?.sqlState == nil)
    #expect(error?.isTransient == true)
  }

  @Test func aTransactionCommitsWholeOrNotAtAllAndSavepointsNest() throws {
    struct Refused: Error {}
    let connection = try PostgresConnection(url: url)
    try connection.executeScript("CREATE TEMP TABLE steps (id bigint PRIMARY KEY)")
    #expect(throws: Refused.self) {
      try connection.transaction {
        try connection.execute("INSERT INTO steps VALUES ($1)", [1])
        throw Refused()
      }
    }
    #expect(try connection.query("SELECT id FROM steps").isEmpty)
    try connection.transaction {
      try connection.execute("INSERT INTO steps VALUES ($1)", [2])
      try? connection.transaction {
        try connection.execute("INSERT INTO steps VALUES ($1)", [3])
        throw Refused()
      }
      // A statement that fails inside the outer transaction is rolled back to its savepoint too.
      _ = try? connection.transaction { try connection.execute("INSERT INTO steps VALUES ($1)", [2]) }
      try connection.execute("INSERT INTO steps VALUES ($1)", [4])
    }
    #expect(try connection.query("SELECT id FROM steps ORDER BY id").map { $0.int64("id") } == [2, 4])
    #expect(connection.isReusable)
  }
}

/// The pool and the compare-and-set the store relies on, across connections.
@Suite(
  .enabled(if: PostgresTestServer.url != nil, "needs RUNWATCH_TEST_POSTGRES_URL: run `make test-postgres`"))
struct PostgresPoolTests {
  let url = PostgresTestServer.url ?? ""

  @Test func racingCompareAndSetsHaveExactlyOneWinnerPerRow() throws {
    let pool = PostgresPool(url: url, maximumConnections: 4)
    let table = "race_\(UUID().uuidString.prefix(8).lowercased())"
    try pool.withConnection { connection in
      try connection.executeScript(
        "CREATE TABLE \(table) (id bigint PRIMARY KEY, status text NOT NULL, winner bigint)")
      for id in 1...200 { try connection.execute("INSERT INTO \(table) VALUES ($1, 'running', NULL)", [id]) }
    }
    defer { try? pool.withConnection { try $0.executeScript("DROP TABLE \(table)") } }
    let wins = Counter()
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for id in 1...200 {
        let changed = try? pool.transaction { connection in
          try connection.execute(
            "UPDATE \(table) SET status = 'completed', winner = $1 WHERE id = $2 AND status = 'running'",
            [Int64(worker), Int64(id)])
        }
        if changed == 1 { wins.add() }
      }
    }
    #expect(wins.value == 200)
    let completed = try pool.withConnection { connection in
      try connection.queryOne("SELECT count(*) AS n FROM \(table) WHERE status = 'completed'")?.int64("n")
    }
    #expect(completed == 200)
    #expect(pool.openConnections <= 4)
  }

  @Test func aConnectionLeftInsideATransactionIsNotReused() throws {
    let pool = PostgresPool(url: url, maximumConnections: 1)
    let backend = "SELECT pg_backend_pid() AS pid"
    let first = try pool.withConnection { connection -> Int64? in
      try connection.executeScript("BEGIN")
      return try connection.queryOne(backend)?.int64("pid")
    }
    #expect(pool.openConnections == 0, "closed, not returned to the pool")
    let second = try pool.withConnection { connection in try connection.queryOne(backend)?.int64("pid") }
    #expect(first != nil && second != nil && first != second, "a new session, not the one left in BEGIN")
    #expect(pool.openConnections == 1)
  }
}

/// The throw-away server's URL, from the environment `make test-postgres` sets.
enum PostgresTestServer {
  static let url: String? = {
    let value = ProcessInfo.processInfo.environment["RUNWATCH_TEST_POSTGRES_URL"] ?? ""
    return value.isEmpty ? nil : value
  }()
}

/// A thread-safe counter for the race.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func add() {
    lock.lock()
    count += 1
    lock.unlock()
  }
  var value: Int {
    lock.lock()
    defer { lock.unlock() }
    return count
  }
}

/// `?` and `?N` become `$N`; quoted text, identifiers and comments keep theirs.
@Suite struct PostgresPlaceholderTests {
  @Test func questionMarksAreNumberedInOrder() {
    #expect(PostgresPlaceholders.rewrite("SELECT ? , ?, ?") == "SELECT $1 , $2, $3")
    #expect(
      PostgresPlaceholders.rewrite("UPDATE t SET a = ?1 + ?2 WHERE b = ?3 OR c = ?1")
        == "UPDATE t SET a = $1 + $2 WHERE b = $3 OR c = $1")
  }

  @Test func quotedTextIdentifiersAndCommentsAreLeftAlone() {
    #expect(
      PostgresPlaceholders.rewrite("SELECT '?', 'it''s ?', \"odd?name\", ? -- why?\n, ? /* ? */, ?")
        == "SELECT '?', 'it''s ?', \"odd?name\", $1 -- why?\n, $2 /* ? */, $3")
    #expect(PostgresPlaceholders.rewrite("SELECT 'unterminated ?") == "SELECT 'unterminated ?")
    #expect(PostgresPlaceholders.rewrite("") == "")
  }

  @Test func nonASCIITextSurvives() {
    #expect(PostgresPlaceholders.rewrite("SELECT 'Grüße ?', ? AS \"東京\"") == "SELECT 'Grüße ?', $1 AS \"東京\"")
  }
}
