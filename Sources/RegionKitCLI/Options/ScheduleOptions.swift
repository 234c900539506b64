import ArgumentParser
import Detectors

/// The library's training defaults of one architecture, shown in its help.
protocol ScheduleDefaults {
  /// The architecture's default settings.
  static var settings: TrainingSettings { get }
  /// What one step takes, e.g. "Images per optimisation step".
  static var batchMeaning: String { get }
}

/// The schedule options of a `train` command: epochs, batch, learning rate, weight decay,
/// validation share, checkpoints and flips, with the architecture's defaults.
struct ScheduleOptions<Defaults: ScheduleDefaults>: ParsableArguments {
  @Option(help: "Passes over the training data. Default: \(Defaults.settings.epochs).")
  var epochs: Int?

  @Option(help: "\(Defaults.batchMeaning). Default: \(Defaults.settings.batchSize).")
  var batchSize: Int?

  @Option(
    help:
      "Peak Adam learning rate of the schedule (warm-up, then cosine decay). Default: \(Defaults.settings.learningRate)."
  )
  var learningRate: Float?

  @Option(help: "L2 weight decay. Default: \(Defaults.settings.weightDecay).")
  var weightDecay: Float?

  @Option(
    help:
      "Share of the images held out (seeded) for the validation AP50 after each epoch. Default: \(Defaults.settings.validationFraction)."
  )
  var validationFraction: Double?

  @Option(
    help:
      "Write a checkpoint every this many epochs (the last epoch always gets one). Default: \(Defaults.settings.checkpointEvery)."
  )
  var checkpointEvery: Int?

  @Flag(
    inversion: .prefixedNo,
    help: "Mirror training images left-right at random (seeded).")
  var flip = Defaults.settings.horizontalFlip

  /// Whether any schedule option was given (for architectures that train in one pass).
  var isSet: Bool {
    epochs != nil || batchSize != nil || learningRate != nil || weightDecay != nil
      || checkpointEvery != nil
  }

  func validate() throws {
    try validateOptions { try settings(seed: 0).validate(file: "the command line") }
  }

  /// The settings: the defaults with the options given.
  func settings(seed: UInt64) -> TrainingSettings {
    var settings = Defaults.settings
    settings.epochs = epochs ?? settings.epochs
    settings.batchSize = batchSize ?? settings.batchSize
    settings.learningRate = learningRate ?? settings.learningRate
    settings.weightDecay = weightDecay ?? settings.weightDecay
    settings.validationFraction = validationFraction ?? settings.validationFraction
    settings.checkpointEvery = checkpointEvery ?? settings.checkpointEvery
    settings.horizontalFlip = flip
    settings.seed = seed
    return settings
  }
}
