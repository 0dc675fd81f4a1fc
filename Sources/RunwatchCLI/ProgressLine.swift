/// The `run exec` progress protocol: a command reports counts by printing a line
/// `RUNWATCH progress name=123 other=4` on stdout. Names are 1–64 characters of letters, digits, `_ . -`;
/// values whole numbers ≥ 0. Malformed pairs in a progress line are ignored; the line itself is never passed
/// through. Any other line is ordinary output.
enum ProgressLine {
  /// The prefix that marks a progress line.
  static let prefix = "RUNWATCH progress"

  /// The counts in `line`, or nil when it is not a progress line.
  static func counts(in line: String) -> [String: Int64]? {
    guard line.hasPrefix(prefix) else { return nil }
    let rest = line.dropFirst(prefix.count)
    guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
    var counts: [String: Int64] = [:]
    for pair in rest.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) {
      let parts = pair.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, (1...64).contains(parts[0].count),
        parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }),
        parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(parts[1])
      else { continue }
      counts[String(parts[0])] = value
    }
    return counts
  }
}
