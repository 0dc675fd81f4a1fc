import Foundation
import RunwatchCore
import TestStorage
import Testing

@testable import RunwatchStore

/// Counts and failure lines are read with `JSONParser`; for what the store writes, and for the malformed
/// texts below, the answers are the ones `JSONDecoder` gave.
@Suite struct RunRowDecodingTests {
  private func decoderCounts(_ text: String) -> [String: Int64] {
    (try? JSONDecoder().decode([String: Int64].self, from: Data(text.utf8))) ?? [:]
  }

  private func decoderFailures(_ text: String) -> [RunFailure] {
    (try? JSONDecoder().decode([RunFailure].self, from: Data(text.utf8))) ?? []
  }

  @Test func countsDecodeAsJSONDecoderDecodedThem() {
    let written = [
      [:], ["processed": 10, "total": 50], ["n": 0], ["max": 9_007_199_254_740_991], ["é/\"x\"": 3],
    ].map(OperationRun.encodeCounts)
    let odd = [
      #"{"a":1.0}"#, #"{"a":1e3}"#, #"{"a":1.5}"#, #"{"a":-1}"#, #"{"a":true}"#, #"{"a":"1"}"#, "[]", "",
      #"{"a":null}"#, #"{"a":1e19}"#, #"{"a":-0.0}"#, " {\"a\" : 1 } ", "not json",
    ]
    for text in written + odd {
      #expect(OperationRun.decodeCounts(text) == decoderCounts(text), "\(text)")
    }
    #expect(OperationRun.decodeCounts(nil) == [:])
    #expect(
      OperationRun.decodeCounts(OperationRun.encodeCounts(["max": 9_007_199_254_740_991])) == [
        "max": 9_007_199_254_740_991
      ])
  }

  @Test func failuresDecodeAsJSONDecoderDecodedThem() {
    let written = [
      [], [RunFailure(code: "graph.throttled", message: "429 from Graph")],
      [RunFailure(code: "a", message: ""), RunFailure(code: "b/c", message: "line\nbreak \u{1} é")],
    ].map(OperationRun.encodeFailures)
    let odd = [
      #"[{"code":"x"}]"#, #"[{"code":"x","message":"m","extra":1}]"#, #"[{"code":1,"message":"m"}]"#, "{}",
      #"[{"code":"x","message":null}]"#, "[1]", "",
    ]
    for text in written + odd {
      #expect(OperationRun.decodeFailures(text) == decoderFailures(text), "\(text)")
    }
    #expect(OperationRun.decodeFailures(nil) == [])
  }
}
