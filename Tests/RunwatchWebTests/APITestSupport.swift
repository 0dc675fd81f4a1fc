import Foundation
import HTTPServer
import Logging
import RunwatchCore
import RunwatchStore
import SecretKit
import Synchronization
import TestStorage
import Testing

@testable import RunwatchWeb

#if canImport(Glibc)
  import Glibc
#endif

/// A temp database with two workspaces, a live API server on a free port and a token for each workspace.
final class APIServerFixture {
  let directory: URL
  let clock = ManualTimeSource()
  let database: RunwatchDatabase
  let lifecycle: LifecycleService
  let identity: IdentityService
  let workspace: Workspace
  let tenant: Tenant
  let otherTenant: Tenant
  let foreignWorkspace: Workspace
  let foreignTenant: Tenant
  let member: User
  let token: String
  let foreignToken: String
  let server: HTTPServer

  init(policy: LifecyclePolicy = .builtIn) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runwatch-api-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = try RunwatchDatabase(location: try TestStorage.freshLocation(in: directory), policy: policy)
    lifecycle = LifecycleService(database: database, clock: clock)
    identity = IdentityService(database: database, clock: clock, hasher: PasswordHasher(cost: .minimum))
    workspace = try database.addWorkspace(slug: "acme", name: "Acme", at: clock.now())
    tenant = try database.addTenant(workspaceID: workspace.id, name: "Contoso", at: clock.now())
    otherTenant = try database.addTenant(workspaceID: workspace.id, name: "Fabrikam", at: clock.now())
    foreignWorkspace = try database.addWorkspace(slug: "globex", name: "Globex", at: clock.now())
    foreignTenant = try database.addTenant(workspaceID: foreignWorkspace.id, name: "Initech", at: clock.now())
    member = try identity.addUser(email: "ana@example.com", name: "Ana", password: "correct horse")
    try database.grant(
      userID: member.id, workspaceID: workspace.id, role: .owner, tenantIDs: [], at: clock.now())
    token = try identity.createAPIToken(workspaceID: workspace.id, name: "ci-worker").secret
    foreignToken = try identity.createAPIToken(workspaceID: foreignWorkspace.id, name: "globex-worker").secret
    let environment = WebEnvironment(
      database: database, lifecycle: lifecycle, identity: identity, clock: clock,
      logger: Logger(label: "api-test"), assets: nil)
    var router = Router()
    APIRoutes.register(on: &router, environment: environment)
    server = try HTTPServer.start(
      port: 0, configuration: HTTPServerConfiguration(threadCount: 2), responder: router)
  }

  deinit {
    server.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// Sends a request with the fixture's token (unless `token` says otherwise) and checks the answer against
  /// the route table: every status a live test sees must be one the route declares.
  @discardableResult
  func send(
    _ method: String, _ path: String, json body: String? = nil, token: String?? = .none,
    contentType: String? = "application/json", sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> APIResponse {
    var headers: [(String, String)] = []
    let bearer = token ?? self.token
    if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
    if body != nil, let contentType { headers.append(("Content-Type", contentType)) }
    let response = try LiveHTTP.send(
      method: method, target: APIRoutes.prefix + path, headers: headers, body: Array((body ?? "").utf8),
      port: server.port)
    if let spec = APIRouteTableMatch.spec(method: method, path: path) {
      #expect(
        spec.statuses.contains(response.status), "\(method) \(path) answered undeclared \(response.status)",
        sourceLocation: sourceLocation)
    }
    return response
  }

  /// Creates a run through the API and returns its id.
  func createRun(type: String = "policy.sync", tenant: Tenant? = nil) throws -> Int64 {
    let response = try send(
      "POST", "/runs", json: #"{"type": "\#(type)", "tenant_id": \#((tenant ?? self.tenant).id)}"#)
    #expect(response.status == 201)
    return try #require(response.json["id"]?.numberValue.map { Int64($0) })
  }
}

/// Finds the route spec a test path belongs to (ids replaced by `{id}`, query dropped).
enum APIRouteTableMatch {
  static func spec(method: String, path: String) -> APIRouteSpec? {
    let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
    if bare.hasPrefix("/linked-records/") {
      return APIRoutes.routes.first { $0.method.rawValue == method && $0.path.hasPrefix("/linked-records/") }
    }
    let templated = bare.split(separator: "/", omittingEmptySubsequences: false).map {
      $0.allSatisfy(\.isNumber) && !$0.isEmpty ? "{id}" : String($0)
    }.joined(separator: "/")
    return APIRoutes.routes.first { $0.method.rawValue == method && $0.path == templated }
  }
}

/// One answer from the live server.
struct APIResponse {
  var status: Int
  var headers: [(String, String)]
  var body: [UInt8]

  func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
  var text: String { String(decoding: body, as: UTF8.self) }
  /// The body parsed as JSON (`null` when it is not JSON).
  var json: JSONValue { JSONValue(jsonText: text) ?? .null }
  /// `error.code` of an error envelope.
  var errorCode: String? { json["error"]?["code"]?.stringValue }
}

/// A blocking HTTP/1.1 client over a POSIX socket: sends exactly the given bytes with `Connection: close`
/// and reads to end of stream, so tests control content types and bodies precisely.
enum LiveHTTP {
  struct Failure: Error, CustomStringConvertible { var description: String }

  static func send(
    method: String, target: String, headers: [(String, String)], body: [UInt8], port: UInt16,
    declaredLength: Int? = nil
  ) throws -> APIResponse {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket failed") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw Failure(description: "connect failed: errno \(errno)") }
    var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "Content-Length: \(declaredLength ?? body.count)\r\n\r\n"
    let bytes = Array(head.utf8) + body
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard sent > 0 else { break }  // The server may answer (413) and close before reading everything.
      offset += sent
    }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      received.append(contentsOf: chunk[0..<count])
    }
    return try parse(received)
  }

  static func parse(_ bytes: [UInt8]) throws -> APIResponse {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
    else {
      throw Failure(description: "no complete response (\(bytes.count) bytes)")
    }
    let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
      throw Failure(description: "bad status line")
    }
    let headers = lines.dropFirst().compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return APIResponse(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
  }
}
