import Foundation

/// PostgreSQL's binary wire formats for the types Runwatch uses, and their type OIDs. Values are sent and read
/// in the binary format, so no text parsing, locale or `DateStyle` setting can change what arrives: integers
/// go as `int8`, reals `float8`, text `text`, instants `timestamptz` (microseconds since 2000-01-01 UTC).
/// Booleans read as integers 0 and 1, as SQLite stores them; `numeric` (what `SUM` of integers returns) reads
/// as an integer when it has no fraction.
enum PostgresWire {
  static let boolOID: UInt32 = 16
  static let byteaOID: UInt32 = 17
  static let nameOID: UInt32 = 19
  static let int8OID: UInt32 = 20
  static let int2OID: UInt32 = 21
  static let int4OID: UInt32 = 23
  static let textOID: UInt32 = 25
  static let oidOID: UInt32 = 26
  static let jsonOID: UInt32 = 114
  static let float4OID: UInt32 = 700
  static let float8OID: UInt32 = 701
  static let bpcharOID: UInt32 = 1042
  static let varcharOID: UInt32 = 1043
  static let timestampOID: UInt32 = 1114
  static let timestamptzOID: UInt32 = 1184
  static let jsonbOID: UInt32 = 3802
  static let numericOID: UInt32 = 1700
  static let voidOID: UInt32 = 2278

  /// Seconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z).
  static let epochOffsetSeconds: Int64 = 946_684_800

  /// The type OID and binary bytes of `value` as a parameter (nil bytes for NULL).
  static func encode(_ value: SQLValue) -> (oid: UInt32, bytes: [UInt8]?) {
    switch value {
    case .null: return (0, nil)
    case .integer(let number): return (int8OID, bigEndianBytes(UInt64(bitPattern: number)))
    case .real(let number): return (float8OID, bigEndianBytes(number.bitPattern))
    case .text(let text): return (textOID, Array(text.utf8))
    case .timestamp(let date): return (timestamptzOID, bigEndianBytes(UInt64(bitPattern: microseconds(date))))
    case .blob(let bytes): return (byteaOID, bytes)
    }
  }

  /// Decodes a binary column value of type `oid`; nil for a type this wrapper does not read.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, oid: UInt32) -> SQLValue? {
    switch oid {
    case int8OID where bytes.count == 8: return .integer(Int64(bitPattern: integer(bytes)))
    case int4OID where bytes.count == 4: return .integer(Int64(Int32(bitPattern: UInt32(integer(bytes)))))
    case oidOID where bytes.count == 4: return .integer(Int64(UInt32(integer(bytes))))
    case int2OID where bytes.count == 2: return .integer(Int64(Int16(bitPattern: UInt16(integer(bytes)))))
    case float8OID where bytes.count == 8: return .real(Double(bitPattern: integer(bytes)))
    case float4OID where bytes.count == 4: return .real(Double(Float(bitPattern: UInt32(integer(bytes)))))
    case boolOID where bytes.count == 1: return .integer(bytes[0] != 0 ? 1 : 0)
    case numericOID: return numeric(bytes)
    case voidOID: return .null
    case textOID, varcharOID, bpcharOID, nameOID, jsonOID:
      return .text(String(decoding: bytes, as: UTF8.self))
    case jsonbOID where bytes.first == 1:
      // jsonb's binary format is a version byte (1) and then the document's text.
      return .text(String(decoding: UnsafeBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self))
    case timestamptzOID where bytes.count == 8, timestampOID where bytes.count == 8:
      let micros = Int64(bitPattern: integer(bytes))
      return .timestamp(
        Date(timeIntervalSince1970: Double(micros) / 1_000_000 + Double(epochOffsetSeconds)))
    case byteaOID: return .blob(Array(bytes))
    default: return nil
    }
  }

  /// Microseconds between PostgreSQL's epoch and `date`, rounded to the nearest microsecond.
  static func microseconds(_ date: Date) -> Int64 {
    Int64(((date.timeIntervalSince1970 - Double(epochOffsetSeconds)) * 1_000_000).rounded())
  }

  /// A binary `numeric`: digit count, weight, sign and display scale (16 bits each), then base-10,000
  /// digits, the first worth 10,000^weight. An integer when the value has no fraction and fits, else a real;
  /// NaN and infinities are not read.
  static func numeric(_ bytes: UnsafeBufferPointer<UInt8>) -> SQLValue? {
    guard bytes.count >= 8 else { return nil }
    func field(_ index: Int) -> Int { Int(bytes[index]) << 8 | Int(bytes[index + 1]) }
    let count = field(0)
    let weight = Int(Int16(bitPattern: UInt16(field(2))))
    let sign = field(4)
    guard bytes.count == 8 + 2 * count, sign == 0 || sign == 0x4000 else { return nil }
    let digits = (0..<count).map { field(8 + 2 * $0) }
    let isInteger = digits.indices.allSatisfy { weight - $0 >= 0 || digits[$0] == 0 }
    if isInteger, weight < 4 {  // below 10,000^4 = 10^16: fits in Int64
      var value: Int64 = 0
      for position in stride(from: 0, through: weight, by: 1) {
        value = value * 10_000 + Int64(position < digits.count ? digits[position] : 0)
      }
      return .integer(sign == 0 ? value : -value)
    }
    var value = 0.0
    for (position, digit) in digits.enumerated() {
      value += Double(digit) * pow(10_000, Double(weight - position))
    }
    return .real(sign == 0 ? value : -value)
  }

  private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
  }

  private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
  }
}
