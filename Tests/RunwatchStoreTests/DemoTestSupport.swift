import Foundation
import RunwatchCore
import SQLiteDB
import SecretKit
import TestStorage

@testable import RunwatchDemo
@testable import RunwatchStore

/// An empty database file in a temp directory, for seeding.
final class DemoTestDatabase {
  let directory: URL
  let location: StorageLocation
  let database: RunwatchDatabase
  /// A fixed "now" so seeds compare exactly.
  static let now = Date(timeIntervalSince1970: 1_800_000_000)

  init(policy: LifecyclePolicy = .builtIn) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-demo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    location = try TestStorage.freshLocation(in: directory, name: "demo.sqlite")
    database = try RunwatchDatabase(location: location, policy: policy)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// Seeds with the cheapest password cost unless told otherwise.
  @discardableResult
  func seed(
    runs: Int = 120, seed: UInt64 = 99, richRuns: Int = DemoSeedOptions.defaultRichRuns,
    passwordCost: PasswordHasher.Cost = .minimum
  ) throws -> DemoSeedReport {
    try DemoSeeder.seed(
      into: database,
      options: DemoSeedOptions(
        runs: runs, seed: seed, now: Self.now, richRuns: richRuns, passwordCost: passwordCost))
  }

  /// Every run, decoded.
  func runs() throws -> [OperationRun] {
    try database.pool.read { connection in
      try connection.query("SELECT \(OperationRun.selectColumns) FROM operation_runs ORDER BY id").map(
        OperationRun.init(row:))
    }
  }

  func count(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
    try database.pool.read { Int(try $0.scalar(sql, arguments) ?? 0) }
  }
}
