/// A small seeded random number generator (Steele, Lea & Flood 2014, "Fast Splittable
/// Pseudorandom Number Generators"), used to pick report sample images reproducibly.
///
/// The same seed gives the same sequence on every platform.
///
///     var generator = SplitMix64(seed: 42)
///     let index = Int.random(in: 0..<10, using: &generator)
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  /// Creates a generator.
  ///
  /// - Parameter seed: Any value; equal seeds give equal sequences.
  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
