import Foundation
import RunwatchCore
import Testing

/// Unknown types are turned into words byte by byte now; the words must be the ones Foundation made.
@Suite struct OperationTypeLabelTests {
  /// The former words for an unknown type, kept as the reference.
  static func formerWords(_ type: String) -> String {
    let words = type.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }

  @Test func unknownTypesReadAsTheFormerCodeMadeThem() {
    var random = TestRandom(seed: 0x7E7E)
    let alphabet = Array("abcxyzABCXYZ0189._-:")
    let names =
      (0..<5_000).map { _ in
        String(
          (0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
      } + [
        "", ".", "_", "report.export", "a", "z.", "_private", "9lives", "élan.vital", "ünïcode_type", "日本.x",
      ]
    let mismatches = names.filter { OperationTypeLabel.label(for: $0) != Self.formerWords($0) }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test func knownTypesHaveTheirNames() {
    #expect(OperationTypeLabel.label(for: "policy.sync") == "Policy sync")
    #expect(OperationTypeLabel.label(for: "report.export") == "Report export")
  }
}
