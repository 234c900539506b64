import ArgumentParser
import Detectors

/// The library's default Fast/Faster R-CNN settings, for help texts and defaults.
let fastRCNNDefaults = FastRCNNConfiguration(architecture: .fastRCNN, classes: [])

/// Network, sampling and loss options shared by `train fast-rcnn` and `train faster-rcnn`.
struct FastRCNNNetworkOptions: ParsableArguments {
  @Option(help: "Images are resized so that their longer side is this many pixels.")
  var maxSide = fastRCNNDefaults.maxSide

  @Option(
    help:
      "Training sizes drawn per image as a factor of --max-side, LOW,HIGH (e.g. 0.75,1.25). Default: none."
  )
  var scaleJitter: String?

  @Option(help: "RoI pooling: align (RoIAlign) or pool (RoIPool).")
  var pooling = fastRCNNDefaults.pooling

  @Option(help: "RoIs sampled per image, 25% foreground.")
  var roisPerImage = fastRCNNDefaults.roisPerImage

  @Option(help: "Background RoIs have an IoU in [this, 0.5) with every object.")
  var backgroundLow = fastRCNNDefaults.backgroundLow

  @Option(help: "Box regression loss: l1, mse, smooth-l1 (beta 1) or smooth-l1:BETA.")
  var boxLoss = "smooth-l1"

  @Option(help: "Weight of the cross-entropy in the loss.")
  var classificationWeight = fastRCNNDefaults.classificationWeight

  @Option(help: "Weight of the box loss.")
  var boxWeight = fastRCNNDefaults.boxWeight

  /// `--scale-jitter` as a range.
  func jitter() throws -> ClosedRange<Float>? {
    guard let scaleJitter else { return nil }
    let parts = scaleJitter.split(separator: ",").compactMap { Float($0) }
    guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1], parts[1] <= 4 else {
      throw ValidationError(
        "--scale-jitter must be LOW,HIGH with 0 < LOW <= HIGH <= 4, got \(scaleJitter)")
    }
    return parts[0]...parts[1]
  }

  func validate() throws {
    guard BoxRegressionLoss(parsing: boxLoss) != nil else {
      throw ValidationError(
        "--box-loss must be l1, mse, smooth-l1 or smooth-l1:BETA, got \(boxLoss)")
    }
    _ = try configuration(
      .fastRCNN, classes: [DetectorClass(name: "-", categoryID: 1)], training: TrainingSettings())
  }

  /// The configuration of a new model with these options and `schedule`.
  func configuration(
    _ architecture: DetectorArchitecture, classes: [DetectorClass], training: TrainingSettings
  ) throws -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(architecture: architecture, classes: classes)
    c.maxSide = maxSide
    c.pooling = pooling
    c.roisPerImage = roisPerImage
    c.backgroundLow = backgroundLow
    c.boxLoss = BoxRegressionLoss(parsing: boxLoss) ?? c.boxLoss
    c.classificationWeight = classificationWeight
    c.boxWeight = boxWeight
    c.training = training
    c.training.scaleJitter = try jitter()
    try validateOptions { try c.validate(file: "the command line") }
    return c
  }
}

/// Default schedules of Fast and Faster R-CNN (the configuration's training settings).
enum FastRCNNSchedule: ScheduleDefaults {
  static var settings: TrainingSettings { fastRCNNDefaults.training }
  static var batchMeaning: String { "Images per optimisation step" }
}
