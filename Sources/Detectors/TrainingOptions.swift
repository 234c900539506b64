/// How ``ClassifyAndLocalizeTrainer`` trains: schedule, batch, augmentation and label noise.
public struct TrainingOptions: Sendable, Hashable, Codable {
  /// Passes over the training set. Default: `30`.
  public var epochs: Int = 30
  /// Images per step. Default: `16`.
  public var batchSize: Int = 16
  /// Peak Adam learning rate, reached after a one-epoch linear warm-up from 10 % and followed
  /// by a cosine decay to 1 % of it. Default: `2e-3`.
  public var learningRate: Float = 2e-3
  /// L2 weight decay. Default: `1e-4`.
  public var weightDecay: Float = 1e-4
  /// Mirror each training image left-right with probability 1/2 (box mirrored too).
  /// Default: `true`.
  public var horizontalFlip: Bool = true
  /// Seed of the initialisation, the shuffles and the flips. Default: `0`.
  public var seed: UInt64 = 0

  /// Creates options; every parameter is the property of the same name.
  public init(
    epochs: Int = 30, batchSize: Int = 16, learningRate: Float = 2e-3, weightDecay: Float = 1e-4,
    horizontalFlip: Bool = true, seed: UInt64 = 0
  ) {
    precondition(
      epochs >= 1 && batchSize >= 1 && learningRate > 0,
      "TrainingOptions: epochs \(epochs), batch \(batchSize), rate \(learningRate)")
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.horizontalFlip = horizontalFlip
    self.seed = seed
  }
}
