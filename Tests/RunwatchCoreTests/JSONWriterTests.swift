import Foundation
import Testing

@testable import RunwatchCore

/// `JSONWriter` writes exactly what `JSONEncoder` wrote for the same `JSONValue`, compact and pretty, and what
/// it writes parses back to an equal value.
@Suite struct JSONWriterTests {
  private func expectIdentical(
    _ value: JSONValue, roundTrips: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let compact = JSONEncoderReference.text(value, pretty: false)
    let pretty = JSONEncoderReference.text(value, pretty: true)
    #expect(value.jsonText == compact, sourceLocation: sourceLocation)
    #expect(value.prettyJSONText == pretty, sourceLocation: sourceLocation)
    #expect(value.jsonBytes == Array(compact.utf8), sourceLocation: sourceLocation)
    guard roundTrips else { return }
    #expect((try? JSONParser.parse(value.jsonText.utf8)) == value, sourceLocation: sourceLocation)
    #expect((try? JSONParser.parse(value.prettyJSONText.utf8)) == value, sourceLocation: sourceLocation)
  }

  @Test(arguments: 0..<8)
  func randomTreesMatchTheEncoderAndParseBack(batch: UInt64) {
    var random = RandomJSON(seed: 0x5EED_0000 + batch)
    for _ in 0..<1500 {
      expectIdentical(random.value(depth: 1 + random.below(7)))
    }
  }

  @Test func deepTreesMatchTheEncoder() {
    var random = RandomJSON(seed: 0xDEE9)
    for _ in 0..<40 {
      let depth = 1 + random.below(JSONParser.maximumDepth - 3)
      expectIdentical(random.chain(depth: depth, leaf: random.value(depth: 2)))
    }
  }

  @Test func numbersPrintAsTheEncoderPrintedThem() {
    let expected: [(Double, String)] = [
      (1200, "1200"), (0.5, "0.5"), (1e21, "1e+21"), (-0.0, "0"), (0, "0"), (-1, "-1"), (1e-7, "1e-07"),
      (8_999_999_999_999_999, "8999999999999999"), (9e15, "9000000000000000"),
      (9_007_199_254_740_992, "9007199254740992"), (9_007_199_254_740_994, "9.007199254740994e+15"),
      (1e16, "1e+16"), (123_456_789_012_345_680, "1.2345678901234568e+17"), (-1.5, "-1.5"),
      (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
      (1_000_000_000_000_000.5, "1000000000000000.5"),
    ]
    for (number, text) in expected {
      #expect(JSONValue.number(number).jsonText == text, "\(number)")
      expectIdentical(.number(number))
    }
    var random = RandomJSON(seed: 0x0B17)
    for _ in 0..<5000 { expectIdentical(.number(random.number())) }
  }

  @Test func stringsEscapeOnlyQuotesBackslashesAndControls() {
    let text = "a/b\"c\\d\u{8}\u{C}\n\r\t\u{0}\u{1}\u{1F}\u{7F}é\u{2028}😀"
    #expect(
      JSONValue.string(text).jsonText == #""a/b\"c\\d\b\f\n\r\t\u0000\u0001\u001f"# + "\u{7F}é\u{2028}😀\"")
    for scalar in 0..<0x80 { expectIdentical(.string(String(Unicode.Scalar(UInt8(scalar))))) }
    var random = RandomJSON(seed: 0x57)
    for _ in 0..<2000 { expectIdentical(.string(random.string(maximumLength: 30))) }
  }

  @Test func keysSortByTheirUTF8Bytes() {
    let value: JSONValue = ["b": 1, "a": 2, "B": 3, "é": 4, "aa": 5, "a\u{0}": 6, "": 7, "😀": 8, "~": 9]
    #expect(value.jsonText == #"{"":7,"B":3,"a":2,"a\u0000":6,"aa":5,"b":1,"~":9,"é":4,"😀":8}"#)
    expectIdentical(value)
    // Names sharing their first 16 bytes, or differing only by trailing NULs, are told apart by all their bytes.
    let long = String(repeating: "k", count: 16)
    let names = [
      "", "\u{0}", "\u{0}\u{0}", long, long + "\u{0}", long + "a", long + "A", long + "é", long + "aa",
    ]
    expectIdentical(
      .object(Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, .number(Double($0))) })))
    #expect(
      JSONValue.object(Dictionary(uniqueKeysWithValues: names.map { ($0, JSONValue.null) })).jsonText
        == #"{"":null,"\u0000":null,"\u0000\u0000":null,"kkkkkkkkkkkkkkkk":null,"kkkkkkkkkkkkkkkk\u0000":null,"#
        + #""kkkkkkkkkkkkkkkkA":null,"kkkkkkkkkkkkkkkka":null,"kkkkkkkkkkkkkkkkaa":null,"kkkkkkkkkkkkkkkké":null}"#
    )
  }

  @Test func prettyOutputIndentsAsTheEncoderDid() {
    let value: JSONValue = [
      "reason_code": "run.stale_running",
      "evidence": ["checks": [true, ["k": nil]], "none": [], "empty": [:]],
    ]
    #expect(
      value.prettyJSONText == """
        {
          "evidence" : {
            "checks" : [
              true,
              {
                "k" : null
              }
            ],
            "empty" : {},
            "none" : []
          },
          "reason_code" : "run.stale_running"
        }
        """)
    #expect(JSONValue.array([]).prettyJSONText == "[]")
    #expect(JSONValue.emptyObject.prettyJSONText == "{}")
    expectIdentical(value)
  }

  @Test func topLevelScalarsAreWrittenAlone() {
    for value: JSONValue in [nil, true, false, 3, "x", 0.25] { expectIdentical(value) }
    #expect(JSONValue.null.jsonText == "null")
    #expect(JSONValue.string("x").prettyJSONText == #""x""#)
  }

  @Test func unwritableDocumentsAreNullAsBefore() {
    for bad in [Double.nan, .infinity, -.infinity, .signalingNaN] {
      let nested: JSONValue = ["a": [1, ["b": .number(bad)]], "c": "kept?"]
      #expect(nested.jsonText == "null")
      #expect(nested.prettyJSONText == "null")
      expectIdentical(nested, roundTrips: false)
    }
    for leaf: JSONValue in [1, [], [:]] {
      var random = RandomJSON(seed: 7)
      let deepest = random.chain(depth: JSONWriter.maximumDepth - (leaf == 1 ? 0 : 1), leaf: leaf)
      let tooDeep = random.chain(depth: JSONWriter.maximumDepth + 1 - (leaf == 1 ? 0 : 1), leaf: leaf)
      #expect(deepest.jsonText != "null")
      #expect(tooDeep.jsonText == "null")
      expectIdentical(deepest, roundTrips: false)
      expectIdentical(tooDeep, roundTrips: false)
    }
  }

  /// An object written from ordered members, some of them rendered earlier, is the same text as the object of
  /// their values: random objects, each member rendered or not at random.
  @Test func objectsOfRenderedMembersMatchTheObjectOfTheirValues() {
    var random = RandomJSON(seed: 0x0BDE_2ED)
    for _ in 0..<600 {
      guard case .object(let members) = random.value(depth: 3), !members.isEmpty else { continue }
      let ordered = members.sorted { JSONWriter.utf8Precedes($0.key, $1.key) }
      let parts: [(key: String, value: JSONWriter.Member)] = ordered.map { member in
        (member.key, random.below(2) == 0 ? .value(member.value) : .rendered(member.value.jsonText))
      }
      #expect(JSONWriter.text(orderedMembers: parts) == JSONValue.object(members).jsonText)
    }
  }
}
