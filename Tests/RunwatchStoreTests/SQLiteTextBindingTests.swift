import Foundation
import SQLiteDB
import TestStorage
import Testing

/// Text goes in and comes out by its byte count: an embedded NUL neither cuts a bound value short nor a read one.
@Suite(.enabled(if: TestStorage.isSQLite, "SQLiteDB's own text binding"))
struct SQLiteTextBindingTests {
  func connection() throws -> (Connection, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "text-\(UUID().uuidString).sqlite"
    ).path
    let connection = try Connection(path: path)
    try connection.execute("CREATE TABLE t (value TEXT)")
    return (connection, path)
  }

  @Test func textWithAnEmbeddedNULRoundTripsWhole() throws {
    let (connection, path) = try connection()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let value = "olivia@example.com\u{0}-not-olivia"
    try connection.execute("INSERT INTO t (value) VALUES (?)", [value])
    #expect(try connection.scalar("SELECT length(CAST(value AS BLOB)) FROM t") == Int64(value.utf8.count))
    #expect(try connection.queryOne("SELECT value FROM t")?.string("value") == value)
    #expect(
      try connection.scalar("SELECT COUNT(*) FROM t WHERE value = ?", ["olivia@example.com"]) == 0,
      "the prefix before the NUL is not the value")
    #expect(try connection.scalar("SELECT COUNT(*) FROM t WHERE value = ?", [value]) == 1)
  }

  @Test func emptyAndMultibyteTextStayWhatTheyAre() throws {
    let (connection, path) = try connection()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try connection.execute("INSERT INTO t (value) VALUES (?)", [""])
    try connection.execute("INSERT INTO t (value) VALUES (?)", ["Zoë ✓ \u{0}😀"])
    let values = try connection.query("SELECT value, value IS NULL AS absent FROM t ORDER BY rowid")
    #expect(values.map { $0.string("value") } == ["", "Zoë ✓ \u{0}😀"])
    #expect(values.first?.int64("absent") == 0, "an empty string binds as '' rather than NULL")
  }
}
