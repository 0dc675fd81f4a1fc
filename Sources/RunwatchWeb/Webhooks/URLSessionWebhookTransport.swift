import Foundation
import RunwatchStore
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Sends webhook deliveries with Foundation's `URLSession` (libcurl on Linux, shipped with the toolchain),
/// synchronously from the delivery thread: one request at a time, bounded by `timeout` without data
/// (connecting included) and by twice that in all. No cookies, no cache, no credentials store.
public final class URLSessionWebhookTransport: WebhookTransport {
  /// Seconds without progress before an attempt fails (connect, send, answer).
  public let timeout: TimeInterval
  private let session: URLSession

  /// A transport whose attempts give up after `timeout` seconds without progress and `2 × timeout` in all.
  public init(timeout: TimeInterval = 5) {
    self.timeout = timeout
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout * 2
    configuration.httpCookieStorage = nil
    configuration.urlCache = nil
    configuration.httpShouldSetCookies = false
    configuration.httpMaximumConnectionsPerHost = 2
    session = URLSession(configuration: configuration)
  }

  /// The longest one attempt takes: `timeout` for each phase, at most twice that in all.
  public var attemptTimeout: TimeInterval { timeout * 2 }

  /// POSTs the request and waits for its status.
  public func send(_ request: WebhookRequest) -> WebhookAttemptResult {
    var urlRequest = URLRequest(url: request.url, timeoutInterval: timeout)
    urlRequest.httpMethod = "POST"
    for header in request.headers { urlRequest.setValue(header.value, forHTTPHeaderField: header.name) }
    urlRequest.httpBody = Data(request.body)
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let task = session.dataTask(with: urlRequest) { _, response, error in
      if let http = response as? HTTPURLResponse {
        outcome.set(.answered(status: http.statusCode))
      } else {
        outcome.set(.unreachable(error.map(Self.describe) ?? "no HTTP answer"))
      }
      done.signal()
    }
    task.resume()
    // The session's own timeouts end the task; this wait only guards against a task that never calls back.
    if done.wait(timeout: .now() + attemptTimeout + 1) == .timedOut {
      task.cancel()
      return .unreachable("no answer within \(Int(attemptTimeout)) s")
    }
    return outcome.value ?? .unreachable("no HTTP answer")
  }

  /// A short description of a transport error (the URL is left out: the settings page already shows it).
  static func describe(_ error: any Error) -> String {
    let nsError = error as NSError
    switch nsError.code {
    case NSURLErrorTimedOut: return "timed out"
    case NSURLErrorCannotConnectToHost: return "connection refused"
    case NSURLErrorCannotFindHost: return "host not found"
    case NSURLErrorNetworkConnectionLost: return "connection lost"
    case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted:
      return "TLS handshake failed"
    default: return "transport error \(nsError.code)"
    }
  }

  /// The answer, handed from URLSession's callback queue to the waiting delivery thread.
  private final class Outcome: Sendable {
    private let storage = Mutex<WebhookAttemptResult?>(nil)
    func set(_ value: WebhookAttemptResult) { storage.withLock { $0 = value } }
    var value: WebhookAttemptResult? { storage.withLock { $0 } }
  }
}

extension WebhookDeliveryLoop: ServeService {}
