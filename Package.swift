// swift-tools-version: 6.0
// Runwatch: keeps background operation runs honest and shows them to operators.
//
// Targets by layer; every arrow points down this list:
//   runwatch (executable) → RunwatchCLI → {RunwatchWeb, RunwatchDemo}
//   RunwatchWeb → {HTTPServer, RunwatchTemplates, RunwatchStore}; RunwatchDemo → RunwatchStore
//   RunwatchStore → {RunwatchCore, StorageEngine, SQLiteDB, PostgresDB, SecretKit}
//   RunwatchTemplates → RunwatchCore
//   SQLiteDB → {StorageEngine, CSQLite}, PostgresDB → {StorageEngine, CLibPQ}
//   HTTPServer → CMicroHTTPD, SecretKit → CSodium
// StorageEngine is the database interface both engines implement (values, rows, connections, pools,
// migrations); the store writes its queries against it, and keeps the SQL that differs between engines in
// RunwatchStore/Engines.
import PackageDescription

let package = Package(
  name: "runwatch",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "runwatch", targets: ["runwatch"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
  ],
  targets: [
    // C libraries from Debian packages.
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(
      name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", pkgConfig: "libmicrohttpd",
      providers: [.apt(["libmicrohttpd-dev"])]),
    .systemLibrary(
      name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"])]),
    .systemLibrary(
      name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

    // Generic infrastructure: knows nothing about runs.
    .target(name: "StorageEngine"),
    .target(name: "SQLiteDB", dependencies: ["StorageEngine", "CSQLite"]),
    .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),
    .target(name: "SecretKit", dependencies: ["CSodium"]),
    // The pseudo-terminal `run exec` gives a command's output (POSIX calls Swift's Glibc module hides).
    .target(name: "CPseudoTerminal"),
    .target(name: "PostgresDB", dependencies: ["StorageEngine", "CLibPQ"]),

    // Pure domain: no I/O, clock injected.
    .target(name: "RunwatchCore", dependencies: [.product(name: "Yams", package: "Yams")]),

    // Storage, the lifecycle service and everything that writes runs.
    .target(
      name: "RunwatchStore",
      dependencies: [
        "RunwatchCore", "StorageEngine", "SQLiteDB", "PostgresDB", "SecretKit",
        .product(name: "Logging", package: "swift-log"),
      ]),

    // The demo: seeder, bulk history and the simulated worker fleet, on top of the store.
    .target(
      name: "RunwatchDemo",
      dependencies: [
        "RunwatchStore", "RunwatchCore", "SQLiteDB", .product(name: "Logging", package: "swift-log"),
      ]),

    // Server-rendered HTML: escaping by default.
    .target(name: "RunwatchTemplates", dependencies: ["RunwatchCore"], path: "Templates"),

    // Pages, worker API and the serve loop.
    .target(
      name: "RunwatchWeb",
      dependencies: [
        "HTTPServer", "RunwatchTemplates", "RunwatchStore", "RunwatchCore", "SecretKit",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      resources: []),

    // Command line: parsing and wiring only.
    .target(
      name: "RunwatchCLI",
      dependencies: [
        "RunwatchWeb", "RunwatchDemo", "RunwatchStore", "RunwatchCore", "CPseudoTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(name: "runwatch", dependencies: ["RunwatchCLI"]),
    // Times one reconcile tick over a large generated database: `runwatch-bench reconcile --active N --stale M`.
    .executableTarget(
      name: "runwatch-bench", dependencies: ["RunwatchStore", "RunwatchCore", "SQLiteDB"],
      path: "Sources/RunwatchBench"),

    // Fresh test databases on the engine the test run uses (SQLite, or PostgreSQL under `make test-postgres`).
    .target(
      name: "TestStorage", dependencies: ["RunwatchStore", "SQLiteDB", "PostgresDB"], path: "Tests/Support"),

    .testTarget(name: "RunwatchCoreTests", dependencies: ["RunwatchCore"]),
    .testTarget(
      name: "RunwatchStoreTests",
      dependencies: [
        "RunwatchStore", "RunwatchDemo", "SQLiteDB", "RunwatchCore", "TestStorage",
        .product(name: "Logging", package: "swift-log"),
      ]),
    .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
    .testTarget(name: "PostgresDBTests", dependencies: ["PostgresDB"]),
    .testTarget(
      name: "RunwatchWebTests",
      dependencies: [
        "RunwatchWeb", "RunwatchDemo", "RunwatchStore", "RunwatchCore", "HTTPServer", "RunwatchTemplates",
        "SecretKit",
        "TestStorage",
        .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
      ]),
    .testTarget(
      name: "RunwatchCLITests",
      dependencies: [
        "RunwatchCLI", "RunwatchDemo", "RunwatchStore", "RunwatchCore", "RunwatchWeb", "HTTPServer",
        "TestStorage",
      ]),
  ],
  swiftLanguageModes: [.v6]
)
