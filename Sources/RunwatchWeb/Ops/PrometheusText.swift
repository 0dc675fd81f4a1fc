/// Builds the Prometheus text exposition format (version 0.0.4) by hand: `# HELP`/`# TYPE` lines and samples
/// with escaped label values.
struct PrometheusText {
  /// The content type `/metrics` answers with.
  static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  private(set) var output = ""

  mutating func family(_ name: String, type: String, help: String) {
    output += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
  }

  mutating func sample(_ name: String, labels: [(String, String)] = [], value: String) {
    output += name
    if !labels.isEmpty {
      output += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }
    output += " \(value)\n"
  }

  /// Label values escape backslash, double quote and newline.
  static func escape(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// A float without a needless `.0` (`1`, `0.005`).
  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}
