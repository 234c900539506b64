import Boxes

/// Zeroes each value with probability `p` during training and scales the rest by
/// `1 / (1 - p)` (Srivastava et al. 2014; PyTorch's `nn.Dropout`); the identity in evaluation.
///
/// Masks come from a seeded ``/Boxes/SplitMix64`` that advances with every training forward pass,
/// so a run is reproducible from its seed.
///
///     var dropout = try Dropout(probability: 0.5, seed: 42)
public struct Dropout: Layer {
  /// The drop probability, in `[0, 1)`.
  public var probability: Float
  /// Training (drop) or evaluation (identity). Default: true.
  public var isTraining = true
  private var generator: SplitMix64
  private var mask: [Float]?

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - probability: The drop probability, in `[0, 1)`. Default: 0.5.
  ///   - seed: the mask generator's seed.
  /// - Throws: ``NeuralNetError/invalidParameter(type:field:value:expected:)`` naming
  ///   `probability` when it is outside `[0, 1)`.
  public init(probability: Float = 0.5, seed: UInt64) throws(NeuralNetError) {
    guard probability >= 0, probability < 1 else {
      throw .invalidParameter(
        type: "Dropout", field: "probability", value: "\(probability)", expected: "0 to below 1")
    }
    self.probability = probability
    generator = SplitMix64(seed: seed)
  }

  public mutating func setTraining(_ isTraining: Bool) { self.isTraining = isTraining }

  public mutating func forward(_ input: Tensor) -> Tensor {
    guard isTraining, probability > 0 else {
      mask = nil
      return input
    }
    let scale = 1 / (1 - probability)
    var newMask = [Float](repeating: 0, count: input.count)
    for index in 0..<input.count where generator.nextUnitFloat() >= probability {
      newMask[index] = scale
    }
    var output = input
    for index in 0..<input.count { output.data[index] *= newMask[index] }
    mask = newMask
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let mask else { return gradientOutput }
    var gradient = gradientOutput
    for index in 0..<gradient.count { gradient.data[index] *= mask[index] }
    return gradient
  }
}
