/// What happened in one training epoch: mean training losses and validation metrics.
public struct EpochRecord: Sendable, Hashable, Codable {
  /// The epoch, from 1.
  public var epoch: Int
  /// Mean total loss over the epoch's steps.
  public var trainLoss: Double
  /// Mean cross-entropy over the epoch's steps.
  public var trainClassificationLoss: Double
  /// Mean box loss over the epoch's steps (on the training labels, outliers included).
  public var trainBoxLoss: Double
  /// Metrics on the validation set after the epoch, nil without one.
  public var validation: LocalizationMetrics?
  /// Learning rate of the epoch's last step.
  public var learningRate: Double

  /// Creates a record; every parameter is the property of the same name.
  public init(
    epoch: Int, trainLoss: Double, trainClassificationLoss: Double, trainBoxLoss: Double,
    validation: LocalizationMetrics?, learningRate: Double
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainClassificationLoss = trainClassificationLoss
    self.trainBoxLoss = trainBoxLoss
    self.validation = validation
    self.learningRate = learningRate
  }
}
