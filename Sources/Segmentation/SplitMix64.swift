/// A small seeded pseudo-random generator (Steele, Lea & Flood's SplitMix64), so every
/// random choice of this module is reproducible from an explicit seed on every platform.
///
///     var generator = SplitMix64(seed: 42)
///     let index = Int.random(in: 0..<10, using: &generator)
///
/// Reference: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014. <https://doi.org/10.1145/2660193.2660195>
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator whose sequence is determined by `seed`.
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
}
