import Foundation

/// A value sent to or read from PostgreSQL. Sent and read in PostgreSQL's binary format, so no text parsing,
/// locale or `DateStyle` setting can change what arrives: integers are `int8`, reals `float8`, text `text`,
/// instants `timestamptz` (microseconds since 2000-01-01 UTC on the wire).
public enum PostgresValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case boolean(Bool)
  case timestamp(Date)
  case bytes([UInt8])
}

/// A Swift value that can be bound as a statement parameter.
public protocol PostgresBindable {
  /// The value as sent.
  var postgresValue: PostgresValue { get }
}

extension Int64: PostgresBindable {
  public var postgresValue: PostgresValue { .integer(self) }
}

extension Int: PostgresBindable {
  public var postgresValue: PostgresValue { .integer(Int64(self)) }
}

extension Double: PostgresBindable {
  public var postgresValue: PostgresValue { .real(self) }
}

extension String: PostgresBindable {
  public var postgresValue: PostgresValue { .text(self) }
}

extension Bool: PostgresBindable {
  public var postgresValue: PostgresValue { .boolean(self) }
}

extension Date: PostgresBindable {
  public var postgresValue: PostgresValue { .timestamp(self) }
}

extension PostgresValue: PostgresBindable {
  public var postgresValue: PostgresValue { self }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
  public var postgresValue: PostgresValue { self?.postgresValue ?? .null }
}

/// PostgreSQL's binary wire formats for the types Runwatch uses, and their type OIDs.
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

  /// Seconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z).
  static let epochOffsetSeconds: Int64 = 946_684_800

  /// The type OID and binary bytes of `value` as a parameter (nil bytes for NULL).
  static func encode(_ value: PostgresValue) -> (oid: UInt32, bytes: [UInt8]?) {
    switch value {
    case .null: return (0, nil)
    case .integer(let number): return (int8OID, bigEndianBytes(UInt64(bitPattern: number)))
    case .real(let number): return (float8OID, bigEndianBytes(number.bitPattern))
    case .text(let text): return (textOID, Array(text.utf8))
    case .boolean(let flag): return (boolOID, [flag ? 1 : 0])
    case .timestamp(let date): return (timestamptzOID, bigEndianBytes(UInt64(bitPattern: microseconds(date))))
    case .bytes(let bytes): return (byteaOID, bytes)
    }
  }

  /// Decodes a binary column value of type `oid`; nil for a type this wrapper does not read.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, oid: UInt32) -> PostgresValue? {
    switch oid {
    case int8OID where bytes.count == 8: return .integer(Int64(bitPattern: integer(bytes)))
    case int4OID where bytes.count == 4: return .integer(Int64(Int32(bitPattern: UInt32(integer(bytes)))))
    case oidOID where bytes.count == 4: return .integer(Int64(UInt32(integer(bytes))))
    case int2OID where bytes.count == 2: return .integer(Int64(Int16(bitPattern: UInt16(integer(bytes)))))
    case float8OID where bytes.count == 8: return .real(Double(bitPattern: integer(bytes)))
    case float4OID where bytes.count == 4: return .real(Double(Float(bitPattern: UInt32(integer(bytes)))))
    case boolOID where bytes.count == 1: return .boolean(bytes[0] != 0)
    case textOID, varcharOID, bpcharOID, nameOID, jsonOID:
      return .text(String(decoding: bytes, as: UTF8.self))
    case jsonbOID where bytes.first == 1:
      // jsonb's binary format is a version byte (1) and then the document's text.
      return .text(String(decoding: UnsafeBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self))
    case timestamptzOID where bytes.count == 8, timestampOID where bytes.count == 8:
      let micros = Int64(bitPattern: integer(bytes))
      return .timestamp(
        Date(timeIntervalSince1970: Double(micros) / 1_000_000 + Double(epochOffsetSeconds)))
    case byteaOID: return .bytes(Array(bytes))
    default: return nil
    }
  }

  /// Microseconds between PostgreSQL's epoch and `date`, rounded to the nearest microsecond.
  static func microseconds(_ date: Date) -> Int64 {
    Int64(((date.timeIntervalSince1970 - Double(epochOffsetSeconds)) * 1_000_000).rounded())
  }

  private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
  }

  private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
  }
}
