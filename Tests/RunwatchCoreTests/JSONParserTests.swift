import Foundation
import Testing

@testable import RunwatchCore

@Suite struct JSONParserTests {
  private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

  private func failure(_ text: String) -> JSONParser.Failure? {
    do {
      _ = try JSONParser.parse(Array(text.utf8))
      return nil
    } catch {
      return error
    }
  }

  @Test func readsEveryKindOfValue() throws {
    let value = try parse(
      #" { "a" : [1, -2.5, 3e2, 0, -0.0, 1E-2], "b": {"c": null, "d": true, "e": false}, "f": "x" } "#)
    #expect(
      value == [
        "a": [1, -2.5, 300, 0, 0, 0.01], "b": ["c": nil, "d": true, "e": false], "f": "x",
      ])
    #expect(try parse("[]") == [])
    #expect(try parse("{}") == .emptyObject)
    #expect(try parse("\"\"") == "")
    #expect(try parse(" 42\n") == 42)
  }

  @Test func decodesEscapesAndKeepsUnicode() throws {
    #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
    #expect(try parse(#""\u00e9\u4e2d\ud83d\ude00""#) == .string("é中😀"))
    #expect(try parse("\"é中😀 <script>\"") == .string("é中😀 <script>"))
  }

  @Test func agreesWithFoundationOnARealisticDocument() throws {
    let text = """
      {"evidence": {"threshold_seconds": 1200, "checks": [{"name": "tenant_active", "passed": true}],
       "reference_time": "2026-11-22T10:00:00Z", "ratio": 0.125, "note": "line\\nbreak \\u2014 dash"},
       "counts": {"processed": 12, "total": 9007199254740991}, "empty": [], "nothing": null}
      """
    let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    #expect(try parse(text) == foundation)
    #expect(JSONValue(jsonText: text) == foundation)
    #expect(try parse(foundation.jsonText) == foundation)
  }

  @Test func aRepeatedKeyKeepsTheLastValue() throws {
    #expect(try parse(#"{"a": 1, "a": 2}"#) == ["a": 2])
  }

  @Test(arguments: [
    ("", "unexpected end of input at byte 0"),
    ("{", "expected a member name at byte 1"),
    (#"{"a" 1}"#, "expected ':' after a member name at byte 5"),
    (#"{"a": 1,}"#, "expected a member name at byte 8"),
    ("[1,]", "unexpected character at byte 3"),
    ("[1 2]", "expected ',' or ']' in an array at byte 3"),
    ("{} {}", "unexpected text after the value at byte 3"),
    ("01", "unexpected text after the value at byte 1"),
    ("1.", "expected a digit at byte 2"),
    ("-", "expected a digit at byte 1"),
    ("+1", "unexpected character at byte 0"),
    (".5", "unexpected character at byte 0"),
    ("1e", "expected a digit at byte 2"),
    ("1e999", "number out of range at byte 0"),
    ("NaN", "unexpected character at byte 0"),
    ("tru", "unexpected character at byte 0"),
    ("nul", "unexpected character at byte 0"),
    ("'a'", "unexpected character at byte 0"),
    ("\"abc", "unterminated string at byte 4"),
    ("\"a\nb\"", "control character in a string at byte 2"),
    (#""\x""#, "invalid escape at byte 3"),
    (#""\u12""#, "invalid \\u escape at byte 3"),
    (#""\ud83d""#, "lone surrogate at byte 7"),
    (#""\ude00""#, "lone surrogate at byte 7"),
    (#""\ud83d\u0041""#, "lone surrogate at byte 13"),
  ])
  func refusesWhatIsNotJSON(text: String, message: String) {
    #expect(failure(text)?.description == message)
    #expect(JSONValue(jsonText: text) == nil)
  }

  @Test func refusesInvalidUTF8InsideStrings() {
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
  }

  @Test func limitsNestingInsteadOfExhaustingTheStack() throws {
    let allowed =
      String(repeating: "[", count: JSONParser.maximumDepth)
      + String(repeating: "]", count: JSONParser.maximumDepth)
    #expect(throws: Never.self) { try parse(allowed) }
    let hostile = String(repeating: "[", count: 100_000)
    #expect(failure(hostile)?.reason == "nesting deeper than \(JSONParser.maximumDepth)")
  }
}
