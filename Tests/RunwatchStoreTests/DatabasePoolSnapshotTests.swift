import Foundation
import SQLiteDB
import Synchronization
import TestStorage
import Testing

/// A read inside a read on the same thread joins the outer transaction, so a page's queries see one snapshot.
@Suite(
  .enabled(
    if: TestStorage.isSQLite, "SQLiteDB's pool; PostgresPool's snapshots are covered by the store suites"))
struct DatabasePoolSnapshotTests {
  @Test func aNestedReadSeesTheOuterSnapshotAndALaterReadSeesNewWrites() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-snapshot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let pool = try DatabasePool(path: directory.appendingPathComponent("snapshot.sqlite").path)
    try pool.write { connection in
      try connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)")
      try connection.execute("INSERT INTO items DEFAULT VALUES", [])
    }
    let count = "SELECT COUNT(*) FROM items"
    let (outer, nested, sameConnection) = try pool.read { connection in
      let outer = try connection.scalar(count)
      // Another writer commits while the outer read is open.
      try pool.write { try $0.execute("INSERT INTO items DEFAULT VALUES", []) }
      let (nested, nestedConnection) = try pool.read { inner in (try inner.scalar(count), inner) }
      return (outer, nested, nestedConnection === connection)
    }
    #expect(outer == 1)
    #expect(nested == 1, "the nested read joined the outer snapshot")
    #expect(sameConnection)
    #expect(try pool.read { try $0.scalar(count) } == 2, "a new read sees the write")
    // A read on another thread while one is open here is its own transaction, with its own snapshot.
    let (mine, theirs) = try pool.read { connection in
      let mine = try connection.scalar(count)
      try pool.write { try $0.execute("INSERT INTO items DEFAULT VALUES", []) }
      let theirs = Mutex<Int64?>(nil)
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        theirs.withLock { $0 = try? pool.read { try $0.scalar(count) } }
        done.signal()
      }
      thread.start()
      done.wait()
      return (mine, theirs.withLock { $0 })
    }
    #expect(mine == 2)
    #expect(theirs == 3)
  }
}
