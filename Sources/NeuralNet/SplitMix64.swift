import Foundation

/// A small, fast, seeded random number generator (Steele, Lea & Flood 2014, "SplitMix").
///
/// Used for weight initialisation and dropout masks so that every run with the same seed
/// gives the same numbers on every platform.
///
///     var generator = SplitMix64(seed: 42)
///     let u = generator.nextUniform()   // in [0, 1)
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator.
  ///
  /// - Parameter seed: any value; equal seeds give equal sequences.
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

  /// A uniform Float in `[0, 1)` built from the top 24 bits.
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A standard normal value (Box–Muller, computed in Double).
  public mutating func nextNormal() -> Float {
    let u1 = Double(next() >> 11) * 0x1p-53
    let u2 = Double(next() >> 11) * 0x1p-53
    let radius = (-2 * log(1 - u1)).squareRoot()
    return Float(radius * cos(2 * Double.pi * u2))
  }
}
