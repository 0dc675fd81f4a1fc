import Foundation
import Testing

@testable import HTTPServer

/// A temporary asset directory with a secret file next to it (to prove traversal fails).
struct AssetDirectory: ~Copyable {
  let root: URL
  var assets: String { root.appendingPathComponent("public").path }

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("http-assets-\(UUID().uuidString)")
    let assets = root.appendingPathComponent("public")
    try FileManager.default.createDirectory(
      at: assets.appendingPathComponent("img"), withIntermediateDirectories: true)
    try Data("body{color:red}".utf8).write(to: assets.appendingPathComponent("app.css"))
    try Data("console.log(1)".utf8).write(to: assets.appendingPathComponent("app.js"))
    try Data("<svg/>".utf8).write(to: assets.appendingPathComponent("img/logo.svg"))
    try Data("hidden".utf8).write(to: assets.appendingPathComponent(".env"))
    try Data("top secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
    try FileManager.default.createSymbolicLink(
      atPath: assets.appendingPathComponent("link.txt").path,
      withDestinationPath: root.appendingPathComponent("secret.txt").path)
  }

  deinit { try? FileManager.default.removeItem(at: root) }
}

@Suite("Static files (in process)")
struct StaticFilesTests {
  func router(_ files: StaticFiles) -> Router {
    var router = Router()
    router.mount(files)
    return router
  }

  @Test func loadsOnlyRegularVisibleFiles() throws {
    let directory = try AssetDirectory()
    let files = try StaticFiles(directory: directory.assets, prefix: "/assets/")
    #expect(files.paths == ["app.css", "app.js", "img/logo.svg"])
  }

  @Test func servesWithContentTypeValidatorsAndShortCache() throws {
    let directory = try AssetDirectory()
    let files = try StaticFiles(directory: directory.assets)
    let response = router(files).respond(to: HTTPRequest(method: .get, target: "/assets/img/logo.svg"))
    #expect(response.status == .ok)
    #expect(response.bodyText == "<svg/>")
    #expect(response.headers["Content-Type"] == "image/svg+xml")
    #expect(response.headers["ETag"] == "\"\(files.fingerprint(of: "img/logo.svg")!)\"")
    #expect(response.headers["Last-Modified"]?.hasSuffix(" GMT") == true)
    #expect(response.headers["Cache-Control"] == "public, max-age=3600")
    #expect(response.headers["X-Content-Type-Options"] == "nosniff")
  }

  @Test func fingerprintedURLIsImmutableAndStaleFingerprintIsNot() throws {
    let directory = try AssetDirectory()
    let files = try StaticFiles(directory: directory.assets)
    let url = files.url(for: "app.css")
    #expect(url == "/assets/app.css?v=\(files.fingerprint(of: "app.css")!)")
    let fresh = router(files).respond(to: HTTPRequest(method: .get, target: url))
    #expect(fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable")
    #expect(fresh.headers["Content-Type"] == "text/css; charset=utf-8")
    let stale = router(files).respond(to: HTTPRequest(method: .get, target: "/assets/app.css?v=0000"))
    #expect(stale.headers["Cache-Control"] == "public, max-age=3600")
    #expect(files.fingerprint(of: "app.css") != files.fingerprint(of: "app.js"))
  }

  @Test func ifNoneMatchGives304() throws {
    let directory = try AssetDirectory()
    let files = try StaticFiles(directory: directory.assets)
    let etag = "\"\(files.fingerprint(of: "app.js")!)\""
    let response = router(files).respond(
      to: HTTPRequest(method: .get, target: "/assets/app.js", headers: ["If-None-Match": "\"x\", W/\(etag)"]))
    #expect(response.status == .notModified)
    #expect(response.body.isEmpty)
    #expect(response.headers["ETag"] == etag)
    let other = router(files).respond(
      to: HTTPRequest(method: .get, target: "/assets/app.js", headers: ["If-None-Match": "\"other\""]))
    #expect(other.status == .ok)
  }

  @Test(arguments: [
    "/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2Fsecret.txt", "/assets/link.txt",
    "/assets/.env", "/assets/", "/assets/img", "/assets//app.css", "/assets/img/../app.css",
  ])
  func traversalAndUnloadedPathsAreNotFound(target: String) throws {
    let directory = try AssetDirectory()
    let response = router(try StaticFiles(directory: directory.assets)).respond(
      to: HTTPRequest(method: .get, target: target))
    #expect(response.status == .notFound)
    #expect(!response.bodyText.contains("secret"))
  }

  @Test func missingDirectoryThrows() {
    #expect(throws: (any Error).self) { try StaticFiles(directory: "/nonexistent/runwatch-assets") }
  }
}
