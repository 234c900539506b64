import Boxes
import Foundation

/// Samples used for weight initialisation and dropout masks, from the library's one seeded
/// generator (``/Boxes/SplitMix64``), so every run with the same seed gives the same numbers
/// on every platform.
///
///     var generator = SplitMix64(seed: 42)
///     let z = generator.nextNormal()   // standard normal
extension SplitMix64 {
  /// A standard normal value (Box–Muller, computed in Double).
  public mutating func nextNormal() -> Float {
    let u1 = nextUnitDouble()
    let u2 = nextUnitDouble()
    let radius = (-2 * log(1 - u1)).squareRoot()
    return Float(radius * cos(2 * Double.pi * u2))
  }
}
