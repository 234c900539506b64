import Boxes

/// Seeded weight initialisers (He et al. 2015 "Kaiming"; Glorot & Bengio 2010 "Xavier").
///
/// Fan-in and fan-out follow PyTorch: for a weight `[out, in, kH, kW]`,
/// `fanIn = in * kH * kW` and `fanOut = out * kH * kW`.
///
///     let w = WeightInitialization.kaimingNormal(shape: [16, 3, 3, 3], seed: 7)
public enum WeightInitialization {
  /// `(fanIn, fanOut)` of a weight shape (`[out, in, ...]`).
  public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    precondition(
      shape.count >= 2, "WeightInitialization.fans: shape \(shape) has fewer than 2 dimensions")
    let receptive = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptive, shape[0] * receptive)
  }

  /// Kaiming (He) normal: `N(0, gain / sqrt(fanIn))`, gain `sqrt(2)` for ReLU.
  ///
  /// - Parameters:
  ///   - shape: the weight shape, `[out, in, ...]`.
  ///   - gain: the non-linearity gain. Default: `sqrt(2)` (ReLU).
  ///   - seed: the random seed.
  public static func kaimingNormal(shape: [Int], gain: Float = Float(2).squareRoot(), seed: UInt64)
    -> Tensor
  {
    let std = gain / Float(fans(shape).fanIn).squareRoot()
    var generator = SplitMix64(seed: seed)
    return Tensor(
      shape: shape, data: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() * std })
  }

  /// Kaiming (He) uniform: `U(-b, b)` with `b = gain * sqrt(3 / fanIn)`.
  ///
  /// - Parameters:
  ///   - shape: the weight shape, `[out, in, ...]`.
  ///   - gain: the non-linearity gain. Default: `sqrt(2)` (ReLU).
  ///   - seed: the random seed.
  public static func kaimingUniform(shape: [Int], gain: Float = Float(2).squareRoot(), seed: UInt64)
    -> Tensor
  {
    let bound = gain * (3 / Float(fans(shape).fanIn)).squareRoot()
    return uniform(shape: shape, bound: bound, seed: seed)
  }

  /// Xavier (Glorot) uniform: `U(-b, b)` with `b = gain * sqrt(6 / (fanIn + fanOut))`.
  ///
  /// - Parameters:
  ///   - shape: the weight shape, `[out, in, ...]`.
  ///   - gain: Default: 1.
  ///   - seed: the random seed.
  public static func xavierUniform(shape: [Int], gain: Float = 1, seed: UInt64) -> Tensor {
    let (fanIn, fanOut) = fans(shape)
    return uniform(shape: shape, bound: gain * (6 / Float(fanIn + fanOut)).squareRoot(), seed: seed)
  }

  /// Xavier (Glorot) normal: `N(0, gain * sqrt(2 / (fanIn + fanOut)))`.
  ///
  /// - Parameters:
  ///   - shape: the weight shape, `[out, in, ...]`.
  ///   - gain: Default: 1.
  ///   - seed: the random seed.
  public static func xavierNormal(shape: [Int], gain: Float = 1, seed: UInt64) -> Tensor {
    let (fanIn, fanOut) = fans(shape)
    let std = gain * (2 / Float(fanIn + fanOut)).squareRoot()
    var generator = SplitMix64(seed: seed)
    return Tensor(
      shape: shape, data: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() * std })
  }

  /// Uniform values in `[-bound, bound)`.
  ///
  /// - Parameters:
  ///   - shape: the tensor shape.
  ///   - bound: the half-width of the interval.
  ///   - seed: the random seed.
  public static func uniform(shape: [Int], bound: Float, seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    return Tensor(
      shape: shape,
      data: (0..<shape.reduce(1, *)).map { _ in (generator.nextUnitFloat() * 2 - 1) * bound })
  }
}
