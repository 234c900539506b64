import Datasets
import Detectors
import Foundation
import NeuralNet

/// Trains a ``/Detectors/ClassifyAndLocalize`` model into a model folder: the library function
/// behind `regionkit train classify-localize`.
///
///     var configuration = ClassifyAndLocalizeConfiguration(classes: classes)
///     configuration.training.epochs = 30
///     let result = try ClassifyAndLocalizeTraining.train(
///       configuration, on: dataset, into: folder, observer: SilentTrainingObserver())
///
/// Images are streamed (decoded for each minibatch on another thread); each image is trained
/// on its largest object. After every epoch the validation images give the mean IoU, the
/// class accuracy and the COCO AP50 of the one box per image.
public enum ClassifyAndLocalizeTraining {
  /// Trains (or resumes) and writes the model folder.
  ///
  /// - Parameters:
  ///   - configuration: The model and training settings (the folder's own when resuming).
  ///   - dataset: The training dataset; a seeded `training.validationFraction` of its usable
  ///     images is held out for validation.
  ///   - folder: The model folder.
  ///   - policy: What to do when `folder` already holds a model. Default: refuse.
  ///   - observer: Progress and epoch reports.
  /// - Returns: What was trained.
  /// - Throws: ``/Detectors/DetectorsError`` for an existing model, mismatched classes, a
  ///   dataset without usable images or unwritable files; decoding errors of images.
  public static func train(
    _ configuration: ClassifyAndLocalizeConfiguration, on dataset: Dataset, into folder: URL,
    policy: ExistingModelPolicy = .refuse, observer: some TrainingObserver
  ) throws -> TrainingResult {
    let start = Date()
    let (configuration, resumeEpoch) = try TrainingRun.prepare(
      configuration, folder: folder, policy: policy)
    let options = configuration.training
    let all = try LocalizationSet(dataset: dataset, configuration: configuration, streams: true)
    let (cleanTrain, validation) = all.split(
      validationFraction: options.validationFraction, seed: options.seed)
    let corrupted = cleanTrain.corruptingBoxes(
      fraction: options.outlierFraction, seed: options.seed &+ 17)
    let train = corrupted.set
    observer.note(
      "train: \(train.samples.count) images (largest object of each), validation: "
        + "\(validation.samples.count), outlier boxes: \(corrupted.corrupted.count), classes: "
        + configuration.classNames.joined(separator: ", "))
    let trainer = ClassifyAndLocalizeTrainer(options: options)
    let checkpoints = Checkpoints(folder: folder)
    var model = ClassifyAndLocalize(configuration: configuration, seed: options.seed)
    var optimizer = trainer.makeOptimizer()
    var history: [EpochRecord] = []
    if let resumeEpoch {
      let resumed = try checkpoints.resume(
        epoch: resumeEpoch, optimizer: &optimizer,
        load: { try DetectorModel.loadClassifyAndLocalize(from: $0, configuration: configuration) },
        parameters: { $0.visitParameters($1) })
      model = resumed.model
      history = resumed.history
    }
    try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
    let images = dataset.images
    let byID = Dictionary(images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    history = try TrainingRun.epochs(
      from: (resumeEpoch ?? 0) + 1, training: options, history: history, observer: observer
    ) { epoch in
      observer.stageStarted("epoch \(epoch)", total: train.samples.count, unit: "images")
      var record = try trainer.trainEpoch(
        epoch, model: &model, optimizer: &optimizer, on: train,
        validation: validation.samples.isEmpty ? nil : validation
      ) { observer.advanced(by: $0, status: nil) }
      observer.stageFinished()
      if !validation.samples.isEmpty {
        let predictions = try trainer.predict(&model, on: validation)
        var detections: [Detection] = []
        for (sample, prediction) in zip(validation.samples, predictions) {
          guard let label = prediction.label else { continue }
          detections.append(
            Detection(
              imageID: sample.imageID,
              box: prediction.box(width: sample.width, height: sample.height),
              categoryID: configuration.classes[label].categoryID, score: prediction.score))
        }
        let ap = try TrainingRun.averagePrecision(
          detections, images: validation.samples.compactMap { byID[$0.imageID] }, dataset: dataset)
        (record.validationAP50, record.validationAP) = (ap.ap50, ap.ap)
      }
      return record
    } checkpoint: { state in
      try checkpoints.save(weights: model.stateDict(), optimizer: optimizer, state: state)
      try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
    }
    return TrainingResult(
      .classifyLocalize, folder: folder, history: history, trainImages: train.samples.count,
      validationImages: validation.samples.count, since: start)
  }
}
