import Boxes
import Foundation

/// The noisy, textured background of the synthetic datasets: a base colour with a linear
/// gradient, smooth sinusoidal stripes and per-pixel uniform noise.
///
/// Drawn from a seeded generator in a fixed order (gradient strength, gradient angle, stripe
/// amplitude, stripe period, stripe angle, noise), so the datasets built on it are bit-identical
/// for a seed.
struct TexturedBackground: Sendable {
  /// The RGB base colour, each in `[0, 1]`.
  var color: [Float]
  /// Strength of the linear gradient across the image, in `[-0.15, 0.15]`.
  var gradient: Float
  var gradientDirection: (x: Float, y: Float)
  /// Amplitude of the stripes, in `[0, 0.12]`.
  var stripeAmplitude: Float
  /// Stripe period in pixels, in `[4, 16]`.
  var stripePeriod: Float
  var stripeDirection: (x: Float, y: Float)
  /// Half-width of the per-pixel uniform noise, in `[0.04, 0.12]`.
  var noise: Float

  /// Draws the texture parameters for a background of `color`.
  init(color: [Float], random: inout SplitMix64) {
    self.color = color
    gradient = (random.nextUnitFloat() - 0.5) * 0.3
    let gradientAngle = random.nextUnitFloat() * 2 * Float.pi
    gradientDirection = (cos(gradientAngle), sin(gradientAngle))
    stripeAmplitude = random.nextUnitFloat() * 0.12
    stripePeriod = 4 + random.nextUnitFloat() * 12
    let stripeAngle = random.nextUnitFloat() * Float.pi
    stripeDirection = (cos(stripeAngle), sin(stripeAngle))
    noise = 0.04 + random.nextUnitFloat() * 0.08
  }

  /// The gradient and stripes at pixel `(x, y)` of a `width` x `height` image, added to every
  /// channel of the base colour.
  func shade(x: Int, y: Int, width: Int, height: Int) -> Float {
    let u = Float(x) / Float(width) - 0.5, v = Float(y) / Float(height) - 0.5
    return gradient * (u * gradientDirection.x + v * gradientDirection.y)
      + stripeAmplitude
      * sin(
        2 * Float.pi * (Float(x) * stripeDirection.x + Float(y) * stripeDirection.y)
          / stripePeriod)
  }

  /// `base` plus uniform noise in `[-noise, noise]`, clamped to `[0, 1]`.
  func noisy(_ base: Float, random: inout SplitMix64) -> Float {
    min(max(base + (random.nextUnitFloat() - 0.5) * 2 * noise, 0), 1)
  }

  /// A random RGB colour that `isAcceptable`, redrawn up to `attempts` times (then the last draw).
  static func randomColor(
    random: inout SplitMix64, attempts: Int = .max, isAcceptable: ([Float]) -> Bool
  ) -> [Float] {
    var color = (0..<3).map { _ in random.nextUnitFloat() }
    var tries = 1
    while tries < attempts, !isAcceptable(color) {
      color = (0..<3).map { _ in random.nextUnitFloat() }
      tries += 1
    }
    return color
  }

  /// The mean absolute difference of two RGB colours.
  static func contrast(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.reduce(0, +) / 3
  }
}
