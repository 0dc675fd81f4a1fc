import Foundation

/// Checks a webhook's target before it is stored: an absolute `http` or `https` URL with a host, no user
/// name or password in it (they would be shown on the settings page), at most 2,000 characters.
public enum WebhookURL {
  /// The longest URL accepted.
  public static let maximumLength = 2000

  /// The URL when `text` is acceptable, or why not (a sentence for the form or the CLI; it never repeats
  /// the URL).
  public static func validate(_ text: String) -> Result<URL, WebhookURLProblem> {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return .failure(.missing) }
    guard trimmed.count <= maximumLength else { return .failure(.tooLong) }
    guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
      let url = components.url
    else { return .failure(.malformed) }
    guard scheme == "http" || scheme == "https" else { return .failure(.scheme) }
    guard let host = components.host, !host.isEmpty else { return .failure(.host) }
    guard components.user == nil, components.password == nil else { return .failure(.credentials) }
    return .success(url)
  }
}

/// Why a webhook URL was refused.
public enum WebhookURLProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// Nothing was given.
  case missing
  /// Longer than `WebhookURL.maximumLength`.
  case tooLong
  /// Not a URL at all.
  case malformed
  /// Not `http` or `https`.
  case scheme
  /// No host.
  case host
  /// Carries a user name or password.
  case credentials

  /// One sentence saying what to fix.
  public var description: String {
    switch self {
    case .missing: "Enter the URL that receives the webhook."
    case .tooLong: "The URL is longer than \(WebhookURL.maximumLength) characters."
    case .malformed: "The URL is not a valid URL; write it like https://hooks.example.com/runwatch."
    case .scheme: "The URL must start with http:// or https://."
    case .host: "The URL must name a host, like https://hooks.example.com/runwatch."
    case .credentials:
      "The URL must not carry a user name or password; the receiver checks the signature instead."
    }
  }
}
