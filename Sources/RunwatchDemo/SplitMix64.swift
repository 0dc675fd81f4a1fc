import Foundation
import RunwatchStore

/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64). The demo data must be
/// the same for the same seed on every machine and toolchain, so every draw goes through the helpers below,
/// which only use `next()` and integer arithmetic (the standard library's `random(in:using:)` algorithms are
/// not promised to stay the same between releases).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator; the same seed always yields the same sequence.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in `range` (modulo bias is negligible for the small ranges the demo uses).
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    let width = UInt64(range.upperBound - range.lowerBound) &+ 1
    if width == 0 { return Int(truncatingIfNeeded: next()) }
    return range.lowerBound + Int(next() % width)
  }

  /// A uniform value in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

  /// A uniform value in `range`.
  public mutating func double(in range: ClosedRange<Double>) -> Double {
    range.lowerBound + unit() * (range.upperBound - range.lowerBound)
  }

  /// True with probability `probability`.
  public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

  /// One element of a non-empty array.
  public mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }

  /// An index chosen with the given relative weights (at least one must be positive).
  public mutating func weightedIndex(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    var point = unit() * total
    for (index, weight) in weights.enumerated() {
      if point < weight { return index }
      point -= weight
    }
    return weights.count - 1
  }
}
