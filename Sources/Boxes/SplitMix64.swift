/// A small, fast, seeded pseudo-random generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// Each call adds a fixed odd constant (the golden gamma) to a 64-bit state and scrambles
/// the result with two xor-shift-multiply rounds. The same seed gives the same sequence on
/// every platform, which makes randomised tests and benchmark inputs replayable; it is not
/// cryptographically secure.
///
///     var generator = SplitMix64(seed: 42)
///     let value = generator.next()                        // UInt64
///     let x = Float.random(in: 0..<1, using: &generator)
///
/// Checked against the reference outputs of the C implementation for seed 1234567.
///
/// Reference: G. L. Steele, D. Lea, C. H. Flood, "Fast Splittable Pseudorandom Number
/// Generators", OOPSLA 2014. <https://doi.org/10.1145/2660193.2660195>
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
  /// The current state; the next output is derived from `state + 0x9E3779B97F4A7C15`.
  public private(set) var state: UInt64

  /// Creates a generator.
  ///
  /// - Parameter seed: The initial state; any value, including 0.
  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform `Double` in `[0, 1)` from the top 53 bits (platform-independent, unlike
  /// `Double.random(in:using:)`, whose algorithm the standard library may change).
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform `Float` in `[0, 1)` from the top 24 bits (platform-independent).
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }
}
