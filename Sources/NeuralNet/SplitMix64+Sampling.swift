import Boxes
import Foundation

/// Samples used for weight initialisation and dropout masks, from the library's one seeded
/// generator (``Boxes/SplitMix64``), so every run with the same seed gives the same numbers
/// on every platform.
///
///     var generator = SplitMix64(seed: 42)
///     let u = generator.nextUniform()   // in [0, 1)
extension SplitMix64 {
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
