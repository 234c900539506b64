import Datasets
import Detectors
import Evaluation
import Foundation
import NeuralNet

/// What training does when its output folder already holds a model.
public enum ExistingModelPolicy: String, Sendable, CaseIterable {
  /// Throw ``/Detectors/DetectorsError/existingModel(folder:)`` (the default).
  case refuse
  /// Continue from the latest checkpoint with the folder's settings (epochs may be raised).
  case resume
  /// Delete the model's files and train from scratch.
  case replace
}

/// The shared parts of every training run: the output folder, the epoch loop with
/// checkpoints and remaining-time estimates, and the COCO validation.
enum TrainingRun {
  /// Prepares `folder` for training under `policy`.
  ///
  /// - Parameters:
  ///   - configuration: The configuration of a new run (its `training.epochs` is also the
  ///     epoch count asked for when resuming).
  ///   - classes: The dataset's classes, which a resumed model must share.
  /// - Returns: The configuration to train with (the folder's when resuming) and the epoch
  ///   of the checkpoint to resume from (nil: start from scratch).
  static func prepare<Configuration: ModelConfiguration>(
    _ configuration: Configuration, folder: URL, policy: ExistingModelPolicy
  ) throws -> (configuration: Configuration, resumeEpoch: Int?) {
    let manager = FileManager.default
    let configFile = folder.appendingPathComponent(ModelFolder.configurationFile)
    let checkpoints = Checkpoints(folder: folder)
    let holdsModel =
      manager.fileExists(atPath: configFile.path)
      || manager.fileExists(atPath: checkpoints.directory.path)
    switch policy {
    case .refuse:
      if holdsModel { throw DetectorsError.existingModel(folder: folder.path) }
    case .replace:
      for name in [
        ModelFolder.configurationFile, ModelFolder.weightsFile, "history.json", "checkpoints",
      ] {
        try? manager.removeItem(at: folder.appendingPathComponent(name))
      }
    case .resume:
      guard holdsModel else { return (configuration, nil) }
      var stored = try ModelFolder.configuration(Configuration.self, in: folder)
      guard stored.classes == configuration.classes else {
        throw DetectorsError.classMismatch(
          file: configFile.path, expected: stored.classes.map(\.name),
          found: configuration.classes.map(\.name))
      }
      stored.training.epochs = max(stored.training.epochs, configuration.training.epochs)
      return (stored, checkpoints.latest)
    }
    try ModelFolder.createDirectory(folder)
    return (configuration, nil)
  }

  /// Runs epochs `first...training.epochs`, checkpointing every `training.checkpointEvery`
  /// epochs and after the last, and reporting each epoch with an estimate of the time left.
  ///
  /// - Parameters:
  ///   - history: The records of the epochs before `first`.
  ///   - trainEpoch: Trains and validates one epoch.
  ///   - checkpoint: Saves the checkpoint of a state.
  /// - Returns: The whole history.
  static func epochs(
    from first: Int, training: TrainingSettings, history: [EpochRecord],
    observer: some TrainingObserver, trainEpoch: (Int) throws -> EpochRecord,
    checkpoint: (TrainerState) throws -> Void
  ) throws -> [EpochRecord] {
    var history = history
    guard first <= training.epochs else { return history }
    let start = Date()
    for epoch in first...training.epochs {
      let record = try trainEpoch(epoch)
      history.append(record)
      if epoch % training.checkpointEvery == 0 || epoch == training.epochs {
        try checkpoint(TrainerState(epoch: epoch, history: history))
      }
      let done = Double(epoch - first + 1)
      let remaining = Date().timeIntervalSince(start) / done * Double(training.epochs - epoch)
      observer.epochFinished(record, epochs: training.epochs, remainingSeconds: remaining)
    }
    return history
  }

  /// Refuses to resume a model on other proposals than it was trained on.
  static func checkSameProposals(
    _ source: ProposalSource, as training: TrainingSettings, detector: String
  ) throws {
    guard source.name != training.proposals else { return }
    throw DetectorsError.unsupportedInput(
      detector: detector,
      reason: "the model was trained on proposals \(training.proposals ?? "?"), resuming with "
        + "\(source.name); give the same proposals")
  }

  /// COCO AP at IoU 0.5 and AP 0.5:0.95 of `detections` on `images` of `dataset`.
  static func averagePrecision(
    _ detections: [Detection], images: [DatasetImage], dataset: Dataset
  ) throws -> (ap50: Double, ap: Double) {
    var subset = dataset
    subset.images = images
    let result = try COCOEvaluation().evaluate(detections: detections, dataset: subset)
    return (result.stats[1], result.stats[0])
  }

  /// The detections of one image as COCO results, boxes scaled by `scale` into the dataset's
  /// pixels.
  static func results(_ objects: [DetectedObject], imageID: Int, scale: Float = 1) -> [Detection] {
    objects.map {
      let object = scale == 1 ? $0 : $0.scaled(by: scale)
      return Detection(
        imageID: imageID, box: object.box, categoryID: object.category.categoryID,
        score: object.score)
    }
  }
}

extension DetectorClass {
  /// The classes of a dataset, in category order, with their category ids.
  public static func of(_ dataset: Dataset) -> [DetectorClass] {
    dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) }
  }
}

/// What a training run did.
public struct TrainingResult: Sendable {
  /// The model folder.
  public var folder: URL
  /// Every epoch's record (empty for a model trained in one pass).
  public var history: [EpochRecord]
  /// Training and validation images.
  public var trainImages: Int, validationImages: Int
  /// The final validation COCO AP50 and AP, nil without validation images.
  public var validationAP50: Double?, validationAP: Double?
  /// Seconds spent.
  public var seconds: Double
  /// One line saying what was trained.
  public var summary: String
}

extension TrainingResult {
  /// The result of an epoch-based run: validation AP from the last epoch, a summary naming
  /// the architecture, the epochs and the training images.
  init(
    _ architecture: DetectorArchitecture, folder: URL, history: [EpochRecord], trainImages: Int,
    validationImages: Int, since start: Date
  ) {
    let epochs = history.last?.epoch ?? 0
    self.init(
      folder: folder, history: history, trainImages: trainImages,
      validationImages: validationImages, validationAP50: history.last?.validationAP50,
      validationAP: history.last?.validationAP, seconds: Date().timeIntervalSince(start),
      summary: "\(architecture.rawValue) trained for \(epochs) epoch\(epochs == 1 ? "" : "s") on "
        + "\(trainImages) images")
  }
}
