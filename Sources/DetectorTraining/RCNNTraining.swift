import Datasets
import Detectors
import Foundation
import Imaging
import NeuralNet
import Parallel

/// Trains an R-CNN model into a model folder: the library function behind
/// `regionkit train rcnn`.
///
///     let configuration = RCNNConfiguration(backend: .hogSVM, classes: classes)
///     let result = try RCNNTraining.train(
///       configuration, on: dataset, into: folder, observer: SilentTrainingObserver())
///
/// Proposals come from selective search (fast mode, the configuration's `maxProposals`) or
/// from a file. hog-svm trains in one pass (features, hard-negative mining, Platt scaling,
/// ridge box regression); command trains nothing: the command is started, its handshake
/// checked against the dataset's classes (its crop size becomes the model's), and the folder
/// written; cnn trains `training.epochs` epochs over a fixed, seeded region pool
/// with a checkpoint after each. Images are decoded one at a time per thread and dropped once
/// their features or crops are taken. The held-out images give the COCO AP50 after training
/// (hog-svm) or after each epoch (cnn).
public enum RCNNTraining {
  /// Trains (or resumes, cnn only) and writes the model folder.
  ///
  /// - Parameters:
  ///   - configuration: The model and training settings (the folder's own when resuming).
  ///   - dataset: The training dataset.
  ///   - proposals: The proposal source. Default: nil, selective search fast on one thread
  ///     per image.
  ///   - skipMissing: Leave out images a proposals file has nothing for. Default: `false`.
  ///   - folder: The model folder.
  ///   - policy: What to do when `folder` already holds a model. Default: refuse.
  ///   - threads: Images worked on at once. Default: the active processors.
  ///   - observer: Progress and epoch reports.
  /// - Returns: What was trained.
  public static func train(
    _ configuration: RCNNConfiguration, on dataset: Dataset, proposals: ProposalSource? = nil,
    skipMissing: Bool = false, into folder: URL, policy: ExistingModelPolicy = .refuse,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount, observer: some TrainingObserver
  ) throws -> TrainingResult {
    let start = Date()
    let source = proposals ?? .generator(RCNN.defaultProposalGenerator(threads: 1))
    if policy == .resume, configuration.backend != .cnn {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn \(configuration.backend.rawValue)",
        reason: "it trains in one pass and cannot resume")
    }
    let command = try startCommand(configuration, classes: configuration.classNames)
    var requested = command.map { configuration.adopting($0.handshake) } ?? configuration
    requested.training.proposals = source.name
    let (configuration, resumeEpoch) = try TrainingRun.prepare(
      requested, folder: folder, policy: policy)
    if resumeEpoch != nil {
      try TrainingRun.checkSameProposals(source, as: configuration.training, detector: "rcnn")
    }
    let options = configuration.training
    var (trainIndices, validationIndices) = DatasetSplit.indices(
      count: dataset.images.count, validationFraction: options.validationFraction,
      seed: options.seed)
    if case .file(let file) = source {
      let missing = Set(
        dataset.images.indices.filter { !file.contains(image: dataset.images[$0].fileName) })
      if let first = missing.min(), !skipMissing {
        throw DetectorsError.missingProposals(
          file: file.url.path, image: dataset.images[first].fileName)
      }
      if !missing.isEmpty {
        observer.note("skipped \(missing.count) images without proposals")
        trainIndices.removeAll(where: missing.contains)
        validationIndices.removeAll(where: missing.contains)
      }
    }
    guard !trainIndices.isEmpty else {
      throw DetectorsError.noTrainingImages(dataset: dataset.imagesDirectory.path)
    }
    let trainer = RCNNTrainer(configuration: configuration, seed: options.seed, threads: threads)
    let maxProposals = configuration.maxProposals
    let load: (Int) throws -> RCNNTrainingImage = { position in
      let image = try RCNNTrainer.trainingImage(
        dataset.images[trainIndices[position]], of: dataset, proposals: source,
        maxProposals: maxProposals)
      observer.advanced(by: 1, status: nil)
      return image
    }
    let validate = { (classifier: any RegionClassifier) throws -> (ap50: Double, ap: Double)? in
      guard !validationIndices.isEmpty else { return nil }
      let rcnn = DetectorModel.rcnn(configuration, classifier: classifier)
      let images = validationIndices.map { dataset.images[$0] }
      observer.stageStarted("validate", total: images.count, unit: "images")
      let perImage = try orderedParallelMap(count: images.count, threads: threads) { index in
        let entry = images[index]
        let image = try Image(contentsOf: dataset.url(of: entry))
        let boxes = try source.boxes(for: image, named: entry.fileName, maxProposals: maxProposals)
        let objects = try rcnn.detect(in: image, proposals: boxes)
        observer.advanced(by: 1, status: nil)
        return TrainingRun.results(
          objects, imageID: entry.id, scale: Float(entry.width) / Float(image.width))
      }
      observer.stageFinished()
      return try TrainingRun.averagePrecision(
        perImage.flatMap { $0 }, images: images, dataset: dataset)
    }
    var history: [EpochRecord] = []
    var final: (ap50: Double, ap: Double)?
    switch configuration.backend {
    case .hogSVM:
      observer.stageStarted(
        "hog-svm features (\(source.name))", total: trainIndices.count, unit: "images")
      let (classifier, report) = try trainer.trainHOGSVM(count: trainIndices.count, image: load)
      observer.stageFinished()
      observer.note(
        "positives per class \(report.positives), mined negatives per round "
          + "\(report.mining.map(\.added)), regression samples \(report.regressionSamples)")
      try ModelFolder.save(
        configuration: configuration, tensors: DetectorModel.tensors(of: classifier), to: folder)
      final = try validate(classifier)
    case .command:
      guard let command else { break }
      try ModelFolder.save(configuration: configuration, tensors: [:], to: folder)
      observer.note("classifier command: \(command.handshake.jsonLine)")
      final = try validate(command)
    case .cnn:
      observer.stageStarted("regions (\(source.name))", total: trainIndices.count, unit: "images")
      let pool = try trainer.regionPool(count: trainIndices.count, image: load)
      observer.stageFinished()
      observer.note(
        "cnn: \(pool.count) regions (\(pool.foregroundCount) foreground) from "
          + "\(trainIndices.count) images; validation \(validationIndices.count) images")
      let checkpoints = Checkpoints(folder: folder)
      var model = DetectorModel.makeCNN(configuration, seed: options.seed)
      var optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
      if let resumeEpoch {
        let resumed = try checkpoints.resume(epoch: resumeEpoch, optimizer: &optimizer)
        model = try DetectorModel.loadCNN(from: resumed.url, configuration: configuration)
        history = resumed.history
      }
      try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
      history = try TrainingRun.epochs(
        from: (resumeEpoch ?? 0) + 1, training: options, history: history, observer: observer
      ) { epoch in
        let epochStart = Date()
        observer.stageStarted("epoch \(epoch)", total: pool.count, unit: "regions")
        let losses = trainer.trainEpoch(
          epoch, epochs: options.epochs, model: &model, optimizer: &optimizer, pool: pool,
          batchSize: options.batchSize, learningRate: options.learningRate
        ) { count, ce, box, _ in
          observer.advanced(
            by: count, status: String(format: "classification %.3f box %.3f", ce, box))
        }
        observer.stageFinished()
        var record = EpochRecord(
          epoch: epoch, losses: [("classification", losses.classification), ("box", losses.box)],
          learningRate: Double(optimizer.learningRate),
          seconds: Date().timeIntervalSince(epochStart))
        if let ap = try validate(model) { (record.validationAP50, record.validationAP) = ap }
        return record
      } checkpoint: { state in
        try checkpoints.save(weights: model.stateDict(), optimizer: optimizer, state: state)
        try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
      }
      final = history.last.flatMap { record in
        record.validationAP50.map { ($0, record.validationAP ?? 0) }
      }
    }
    return TrainingResult(
      folder: folder, history: history, trainImages: trainIndices.count,
      validationImages: validationIndices.count, validationAP50: final?.ap50,
      validationAP: final?.ap, seconds: Date().timeIntervalSince(start),
      summary: configuration.backend == .command
        ? "rcnn command packaged (nothing to train; \(trainIndices.count) training images unused)"
        : "rcnn \(configuration.backend.rawValue) trained on \(trainIndices.count) images")
  }
}
