/// The progress of a training run, stored as `trainer_state.json` in each checkpoint.
public struct TrainerState: Sendable, Hashable, Codable {
  /// The last finished epoch.
  public var epoch: Int
  /// The options of the run.
  public var options: TrainingOptions
  /// Share of the dataset held out for validation.
  public var validationFraction: Double
  /// Share of training boxes corrupted into outliers.
  public var outlierFraction: Double
  /// One record per finished epoch.
  public var history: [EpochRecord]

  /// Creates a state; every parameter is the property of the same name.
  public init(
    epoch: Int, options: TrainingOptions, validationFraction: Double, outlierFraction: Double,
    history: [EpochRecord]
  ) {
    self.epoch = epoch
    self.options = options
    self.validationFraction = validationFraction
    self.outlierFraction = outlierFraction
    self.history = history
  }
}
