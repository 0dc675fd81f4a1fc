import Foundation

/// Serves a directory's regular files from memory under a URL prefix (e.g. `/assets/`), with a
/// strong `ETag`, `Last-Modified` and `304 Not Modified`.
///
/// Files are read once at init, so a request can only ever reach a file that was in the
/// directory then: there is no filesystem access per request and therefore no path traversal.
/// Symlinks, hidden files and names outside the slug allow-list are skipped.
public struct StaticFiles: Sendable {
  /// One file held in memory.
  struct Asset: Sendable {
    let body: [UInt8]
    let contentType: String
    let fingerprint: String
    let lastModified: String
  }

  /// The URL prefix without a trailing slash, e.g. `/assets`.
  public let prefix: String
  private let assets: [String: Asset]

  /// Loads every regular file under `directory` (recursively), served under `prefix`.
  /// Throws when the directory cannot be read.
  public init(directory: String, prefix: String = "/assets") throws {
    var trimmed = prefix
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    self.prefix = trimmed
    var loaded: [String: Asset] = [:]
    try Self.load(directory: URL(fileURLWithPath: directory), relative: "", into: &loaded)
    assets = loaded
  }

  /// The relative paths of the loaded files, sorted.
  public var paths: [String] { assets.keys.sorted() }

  /// A content hash of the file at `path` (relative, e.g. `app.css`), or nil when not loaded.
  /// Link `/assets/app.css?v=<fingerprint>` to get immutable caching.
  public func fingerprint(of path: String) -> String? { assets[path]?.fingerprint }

  /// The fingerprinted URL for `path`, or the plain URL when the file is unknown.
  public func url(for path: String) -> String {
    guard let fingerprint = fingerprint(of: path) else { return prefix + "/" + path }
    return prefix + "/" + path + "?v=" + fingerprint
  }

  /// The route pattern this instance answers, for `Router.mount`.
  var routePattern: String { prefix + "/*file" }

  /// Answers a `GET`/`HEAD` for a file under the prefix: 200, 304 or 404.
  public func respond(to request: HTTPRequest) -> HTTPResponse {
    guard let path = request.pathParameters["file"], let response = respond(to: request, file: path) else {
      return .text("404 Not Found\n", status: .notFound)
    }
    return response
  }

  /// Answers a `GET`/`HEAD` for the file at `path` (relative to the directory): 200 or 304, or nil when
  /// there is no such file. For one file served at a URL of its own (the API document).
  public func respond(to request: HTTPRequest, file path: String) -> HTTPResponse? {
    guard let asset = assets[path] else { return nil }
    let etag = "\"" + asset.fingerprint + "\""
    var headers = HTTPHeaders()
    headers.set("ETag", etag)
    headers.set("Last-Modified", asset.lastModified)
    let isFingerprinted = request.query.first("v") == asset.fingerprint
    headers.set(
      "Cache-Control", isFingerprinted ? "public, max-age=31536000, immutable" : "public, max-age=3600")
    if let candidates = request.headers["If-None-Match"], Self.matches(candidates, etag: etag) {
      return HTTPResponse(status: .notModified, headers: headers)
    }
    headers.set("Content-Type", asset.contentType)
    return HTTPResponse(status: .ok, headers: headers, body: asset.body)
  }

  /// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored.
  private static func matches(_ header: String, etag: String) -> Bool {
    header.split(separator: ",").contains { candidate in
      var tag = candidate.trimmingSpaces
      if tag == "*" { return true }
      if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
      return tag == etag
    }
  }

  private static func load(directory: URL, relative: String, into assets: inout [String: Asset]) throws {
    let manager = FileManager.default
    for name in try manager.contentsOfDirectory(atPath: directory.path).sorted() {
      guard !name.hasPrefix("."), PathParameterKind.isSlug(name) else { continue }
      let url = directory.appendingPathComponent(name)
      let attributes = try manager.attributesOfItem(atPath: url.path)
      let relativePath = relative.isEmpty ? name : relative + "/" + name
      switch attributes[.type] as? FileAttributeType {
      case .typeDirectory?:
        try load(directory: url, relative: relativePath, into: &assets)
      case .typeRegular?:
        let body = [UInt8](try Data(contentsOf: url))
        let modified = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        assets[relativePath] = Asset(
          body: body, contentType: contentType(for: name), fingerprint: fingerprint(body),
          lastModified: httpDate(modified))
      default:
        continue
      }
    }
  }

  static func contentType(for name: String) -> String {
    switch name.split(separator: ".").last.map({ $0.lowercased() }) {
    case "css": "text/css; charset=utf-8"
    case "js", "mjs": "text/javascript; charset=utf-8"
    case "svg": "image/svg+xml"
    case "png": "image/png"
    case "ico": "image/x-icon"
    case "txt": "text/plain; charset=utf-8"
    case "json": "application/json"
    case "yaml", "yml": "application/yaml"
    default: "application/octet-stream"
    }
  }

  /// FNV-1a 64-bit over the content, hex. A cache validator, not a security boundary, so a fast
  /// non-cryptographic hash is enough and keeps this target free of crypto dependencies.
  static func fingerprint(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
  static func httpDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter.string(from: date)
  }
}
