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
/// from a file. hog-svm and onnx-features train in one pass (features — HOG, or a network's
/// activations at a named tensor — then hard-negative mining, Platt scaling, ridge box
/// regression); cnn trains `training.epochs` epochs over a fixed, seeded region pool with a
/// checkpoint after each; onnx trains nothing: the classifier was trained elsewhere, and the
/// run packages it (network, external weights, labels, `config.json`) and evaluates it;
/// command trains nothing either: the command is started, its handshake checked against the
/// dataset's classes (its crop size becomes the model's), and the folder written.
/// Images are decoded one at a time per thread and dropped once their features or crops are
/// taken. The held-out images give the COCO AP50 after training (hog-svm, onnx-features,
/// onnx) or after each epoch (cnn).
///
/// onnx-features and onnx copy ``NetworkFiles`` into the folder under the names of the
/// configuration's ``/Detectors/RCNNConfiguration/network`` and train and evaluate on those
/// copies, so the folder holds exactly what was measured.
public enum RCNNTraining {
  /// The files of a network trained elsewhere (onnx-features, onnx).
  public struct NetworkFiles: Sendable, Hashable {
    /// The `.onnx` file (its external-data side files are copied along).
    public var model: URL
    /// The labels file, one label per output column (onnx only).
    public var labels: URL?

    /// Files to copy; see the properties.
    public init(model: URL, labels: URL? = nil) {
      self.model = model
      self.labels = labels
    }
  }

  /// Trains (or resumes, cnn only) and writes the model folder.
  ///
  /// - Parameters:
  ///   - configuration: The model and training settings (the folder's own when resuming).
  ///   - dataset: The training dataset.
  ///   - network: onnx-features and onnx: the network (and labels) to copy into the folder.
  ///     Default: nil.
  ///   - proposals: The proposal source. Default: nil, selective search fast on one thread
  ///     per image.
  ///   - skipMissing: Leave out images a proposals file has nothing for. Default: `false`.
  ///   - folder: The model folder.
  ///   - policy: What to do when `folder` already holds a model. Default: refuse.
  ///   - threads: Images worked on at once. Default: the active processors.
  ///   - observer: Progress and epoch reports.
  /// - Returns: What was trained.
  /// - Throws: ``/Detectors/DetectorsError/unsupportedInput(detector:reason:)`` when resuming a
  ///   backend that trains in one pass or when an ONNX backend gets no network files; the
  ///   errors of the dataset, the proposals, the network and the folder.
  public static func train(
    _ configuration: RCNNConfiguration, on dataset: Dataset, network: NetworkFiles? = nil,
    proposals: ProposalSource? = nil,
    skipMissing: Bool = false, into folder: URL, policy: ExistingModelPolicy = .refuse,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount, observer: some TrainingObserver
  ) throws -> TrainingResult {
    let start = Date()
    let source = proposals ?? .generator(RCNN.defaultProposalGenerator(threads: 1))
    let backend = configuration.backend
    if policy == .resume, !backend.trainsInEpochs {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn \(backend.rawValue)", reason: "it trains in one pass and cannot resume")
    }
    if backend.usesONNXNetwork, network == nil {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn \(backend.rawValue)", reason: "no ONNX network given to train with")
    }
    if backend == .onnx, network?.labels == nil {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn onnx", reason: "no labels file given for the network's outputs")
    }
    if policy == .replace,
      let previous = try? ModelFolder.configuration(RCNNConfiguration.self, in: folder)
    {
      // The network files of the model replaced, which may have other names than the new ones.
      previous.network?.removeFiles(in: folder)
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
    /// Writes the SVM classifier of a one-pass run and validates it.
    func trainSVMs(extractor: any RegionFeatureExtractor) throws {
      observer.stageStarted(
        "\(configuration.backend.rawValue) features (\(source.name))", total: trainIndices.count,
        unit: "images")
      let (classifier, report) = try trainer.trainSVMs(
        count: trainIndices.count, extractor: extractor, image: load)
      observer.stageFinished()
      observer.note(
        "\(report.featureCount) features per region"
          + (report.featureScale == 1 ? "" : " scaled by \(report.featureScale)")
          + "; positives per class \(report.positives), mined negatives per round "
          + "\(report.mining.map(\.added)), regression samples \(report.regressionSamples)")
      for warning in report.warnings(classes: configuration.classNames) {
        observer.note("warning: " + warning)
      }
      try ModelFolder.save(
        configuration: configuration, tensors: DetectorModel.tensors(of: classifier), to: folder)
      final = try validate(classifier)
    }
    var summary = "rcnn \(configuration.backend.rawValue) trained on \(trainIndices.count) images"
    switch configuration.backend {
    case .hogSVM:
      try trainSVMs(extractor: configuration.hog)
    case .onnxFeatures:
      try copyNetwork(network, configuration: configuration, into: folder)
      try trainSVMs(
        extractor: DetectorModel.onnxFeatureExtractor(in: folder, configuration: configuration))
    case .onnx:
      try copyNetwork(network, configuration: configuration, into: folder)
      let classifier = try DetectorModel.loadRegionClassifier(
        from: folder, configuration: configuration)
      try ModelFolder.writeJSON(
        configuration, to: folder.appendingPathComponent(ModelFolder.configurationFile))
      if let onnx = classifier as? ONNXRegionClassifier {
        observer.note(
          "\(configuration.network?.file ?? "network") outputs \(onnx.outputKind.rawValue)"
            + (onnx.outputKind == .logits ? " (softmax applied)" : "")
            + "; background from columns \(onnx.labels.backgroundColumns)"
            + (onnx.labels.extraLabels.isEmpty
              ? "" : " (extra labels \(onnx.labels.extraLabels))"))
      }
      final = try validate(classifier)
      summary = "rcnn onnx packaged (trained elsewhere)"
    case .command:
      guard let command else { break }
      try ModelFolder.save(configuration: configuration, tensors: [:], to: folder)
      observer.note("classifier command: \(command.handshake.jsonLine)")
      final = try validate(command)
      summary =
        "rcnn command packaged (nothing to train; \(trainIndices.count) training images unused)"
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
        let resumed = try checkpoints.resume(
          epoch: resumeEpoch, optimizer: &optimizer,
          load: { try DetectorModel.loadCNN(from: $0, configuration: configuration) },
          parameters: { $0.visitParameters($1) })
        model = resumed.model
        history = resumed.history
      }
      try ModelFolder.save(configuration: configuration, tensors: model.stateDict(), to: folder)
      history = try TrainingRun.epochs(
        from: (resumeEpoch ?? 0) + 1, training: options, history: history, observer: observer
      ) { epoch in
        let epochStart = Date()
        observer.stageStarted("epoch \(epoch)", total: pool.count, unit: "regions")
        let losses = try trainer.trainEpoch(
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
      summary: summary)
  }

  /// Copies the network files into `folder` under the configuration's names.
  private static func copyNetwork(
    _ files: NetworkFiles?, configuration: RCNNConfiguration, into folder: URL
  ) throws {
    guard let files, let settings = configuration.network else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn \(configuration.backend.rawValue)", reason: "no ONNX network given")
    }
    try settings.copyFiles(
      model: files.model, labels: configuration.backend == .onnx ? files.labels : nil,
      into: folder)
  }
}
