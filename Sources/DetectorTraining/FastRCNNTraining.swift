import Datasets
import Detectors
import Foundation
import NeuralNet

/// Trains a Fast or Faster R-CNN model into a model folder: the library function behind
/// `regionkit train fast-rcnn` and `regionkit train faster-rcnn`.
///
///     var configuration = FastRCNNConfiguration(architecture: .fasterRCNN, classes: classes)
///     configuration.training.epochs = 12
///     let result = try FastRCNNTraining.train(
///       configuration, on: dataset, into: folder, observer: SilentTrainingObserver())
///
/// A seeded `training.validationFraction` of the images is held out; after every epoch the
/// model's COCO AP50 and AP on them are recorded. Fast R-CNN takes its proposals from a
/// generator (the configuration's `proposalMethod` by default) or a file; the file's name is
/// recorded as the model's proposal method, and `detect` then needs proposals for each image.
///
/// The backbone is the small CNN unless one is given: an ``/Detectors/ONNXBackbone`` (copied
/// into the model folder as `backbone.onnx`; fine-tuned through NeuralNet layers unless the
/// configuration's `backbone.isFrozen`) or any ``/Detectors/Backbone``:
///
///     let network = try ONNXBackbone(contentsOf: onnxFile, probeSide: 256)
///     var configuration = FastRCNNConfiguration(architecture: .fastRCNN, classes: classes)
///     configuration.maxSide = 256
///     configuration.normalization = .imageNet
///     configuration.backbone.isFrozen = true
///     let result = try FastRCNNTraining.train(
///       configuration, on: dataset, backbone: network, into: folder,
///       observer: SilentTrainingObserver())
public enum FastRCNNTraining {
  /// Trains (or resumes) and writes the model folder.
  ///
  /// - Parameters:
  ///   - configuration: The model and training settings (the folder's own when resuming);
  ///     with a `backbone` given, its ``/Detectors/FastRCNNConfiguration/backbone`` is replaced
  ///     by the backbone's description, keeping `isFrozen`.
  ///   - dataset: The training dataset.
  ///   - backbone: The backbone of a new model. Default: nil, the small CNN. A resumed model
  ///     keeps its own (an ONNX network from its folder); one with a custom Swift backbone
  ///     needs it given again.
  ///   - proposals: Fast R-CNN's proposal source. Default: nil, the generator named by the
  ///     configuration's `proposalMethod` with the library's defaults.
  ///   - skipMissing: Leave out images a proposals file has nothing for (counted in a note)
  ///     instead of throwing. Default: `false`.
  ///   - folder: The model folder.
  ///   - policy: What to do when `folder` already holds a model. Default: refuse.
  ///   - observer: Progress and epoch reports.
  /// - Returns: What was trained.
  /// - Throws: ``/Detectors/DetectorsError`` for an existing model, mismatched classes, missing
  ///   proposals or unwritable files, a backbone that cannot be fine-tuned
  ///   (``/Detectors/DetectorsError/untrainableBackbone(file:node:op:reason:)``); decoding,
  ///   proposal and backbone errors.
  public static func train(
    _ configuration: FastRCNNConfiguration, on dataset: Dataset, proposals: ProposalSource? = nil,
    skipMissing: Bool = false, backbone: (any Backbone)? = nil, into folder: URL,
    policy: ExistingModelPolicy = .refuse, observer: some TrainingObserver
  ) throws -> TrainingResult {
    let start = Date()
    var requested = configuration
    // A backbone given is checked (and rebuilt from layers to fine-tune) before anything is
    // written.
    let given = try backbone.map {
      try trainingBackbone($0, frozen: configuration.backbone.isFrozen)
    }
    if let given {
      requested.backbone = BackboneConfiguration.describing(
        given, frozen: configuration.backbone.isFrozen)
      try requested.validate(file: "the configuration")
    }
    if requested.architecture == .fastRCNN {
      let source = try proposalSource(proposals, configuration: requested)
      if case .file(let file) = source { requested.proposalMethod = file.url.lastPathComponent }
      requested.training.proposals = source.name
    }
    let (configuration, resumeEpoch) = try TrainingRun.prepare(
      requested, folder: folder, policy: policy)
    // A resumed model keeps its own proposals (a file it was trained on must be given again).
    let source: ProposalSource? =
      configuration.architecture == .fastRCNN
      ? try proposalSource(proposals, configuration: configuration) : nil
    if let source, resumeEpoch != nil {
      try TrainingRun.checkSameProposals(source, as: configuration.training, detector: "fast-rcnn")
    }
    let options = configuration.training
    let (trainIndices, validationIndices) = DatasetSplit.indices(
      count: dataset.images.count, validationFraction: options.validationFraction,
      seed: options.seed)
    observer.stageStarted(
      source.map { "proposals (\($0.name))" } ?? "annotations", total: dataset.images.count,
      unit: "images")
    let train = try FastRCNNTrainer.prepare(
      dataset: dataset, images: trainIndices.map { dataset.images[$0] },
      configuration: configuration, proposals: source, skipMissing: skipMissing
    ) { observer.advanced(by: 1, status: nil) }
    let validation = try FastRCNNTrainer.prepare(
      dataset: dataset, images: validationIndices.map { dataset.images[$0] },
      configuration: configuration, proposals: source, skipMissing: skipMissing
    ) { observer.advanced(by: 1, status: nil) }
    observer.stageFinished()
    let skipped = train.skipped + validation.skipped
    if !skipped.isEmpty {
      observer.note(
        "skipped \(skipped.count) images without proposals: \(skipped.prefix(5).joined(separator: ", "))"
      )
    }
    guard !train.samples.isEmpty else {
      throw DetectorsError.noTrainingImages(dataset: dataset.imagesDirectory.path)
    }
    observer.note(
      "train: \(train.samples.count) images, validation: \(validation.samples.count), classes: "
        + configuration.classNames.joined(separator: ", "))
    let trainer = FastRCNNTrainer(configuration: configuration)
    let checkpoints = Checkpoints(folder: folder)
    var model: FasterRCNN
    if configuration.backbone.kind == .smallCNN {
      model = try FasterRCNN(configuration: configuration, seed: options.seed)
    } else {
      let network: any Backbone
      if resumeEpoch == nil, let given {
        network = given
      } else if configuration.backbone.kind == .custom, let backbone {
        network = try trainingBackbone(backbone, frozen: configuration.backbone.isFrozen)
      } else {
        network = try DetectorModel.backbone(of: configuration, in: folder)
      }
      if let onnx = (network as? ONNXBackbone) ?? (network as? TrainableONNXBackbone)?.source {
        try onnx.copy(into: folder)
      }
      model = try FasterRCNN(configuration: configuration, backbone: network, seed: options.seed)
    }
    if policy == .replace && configuration.backbone.kind != .onnx {
      try? FileManager.default.removeItem(
        at: folder.appendingPathComponent(ONNXBackbone.fileName))
    }
    observer.note("backbone: \(configuration.backbone.summary)")
    var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    var history: [EpochRecord] = []
    if let resumeEpoch {
      let backbone = model.fast.backbone
      let resumed = try checkpoints.resume(
        epoch: resumeEpoch, optimizer: &optimizer,
        load: {
          try DetectorModel.loadFasterRCNN(
            from: $0, configuration: configuration, backbone: backbone)
        },
        parameters: { model, visit in
          // The parameters the trainer steps (FastRCNNTrainer.trainEpoch).
          if configuration.architecture == .fasterRCNN {
            model.visitParameters(visit)
          } else {
            model.fast.visitParameters(visit)
          }
        })
      model = resumed.model
      history = resumed.history
    }
    try ModelFolder.save(
      configuration: configuration, tensors: DetectorModel.tensors(of: &model), to: folder)
    let validationIDs = Set(validation.samples.map(\.imageID))
    let validationImages = dataset.images.filter { validationIDs.contains($0.id) }
    history = try TrainingRun.epochs(
      from: (resumeEpoch ?? 0) + 1, training: options, history: history, observer: observer
    ) { epoch in
      observer.stageStarted("epoch \(epoch)", total: train.samples.count, unit: "images")
      var record = try trainer.trainEpoch(
        epoch, model: &model, optimizer: &optimizer, on: train.samples
      ) { observer.advanced(by: $0, status: $1) }
      observer.stageFinished()
      if !validation.samples.isEmpty {
        let detections = try trainer.detections(model: model, samples: validation.samples)
        let ap = try TrainingRun.averagePrecision(
          detections, images: validationImages, dataset: dataset)
        (record.validationAP50, record.validationAP) = (ap.ap50, ap.ap)
      }
      return record
    } checkpoint: { state in
      let weights = DetectorModel.tensors(of: &model)
      try checkpoints.save(weights: weights, optimizer: optimizer, state: state)
      try ModelFolder.save(configuration: configuration, tensors: weights, to: folder)
    }
    return TrainingResult(
      configuration.architecture, folder: folder, history: history,
      trainImages: train.samples.count,
      validationImages: validation.samples.count, since: start)
  }

  /// The backbone to train: an ONNX network rebuilt from layers unless it stays frozen.
  static func trainingBackbone(_ backbone: any Backbone, frozen: Bool) throws -> any Backbone {
    if !frozen, let onnx = backbone as? ONNXBackbone { return try onnx.trainable() }
    return backbone
  }

  /// The proposals of a Fast R-CNN run: those given, or the configuration's method.
  static func proposalSource(_ given: ProposalSource?, configuration: FastRCNNConfiguration)
    throws -> ProposalSource
  {
    if let given { return given }
    guard
      let generator = ProposalMethodName.generator(
        named: configuration.proposalMethod, maxProposals: configuration.maxProposals)
    else {
      throw DetectorsError.unsupportedInput(
        detector: "fast-rcnn",
        reason: "proposal method \(configuration.proposalMethod) is not one of "
          + ProposalMethodName.known.joined(separator: ", ") + "; give the proposals file")
    }
    return .generator(generator)
  }
}
