import ArgumentParser
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging

extension DetectorArchitecture: ExpressibleByArgument {}

/// `regionkit train`: trains a detector on a dataset into a model folder.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a detector on a COCO or VOC dataset and write a model folder.",
    discussion: """
      --arch classify-localize: a small CNN with a classification head and one box head \
      (x, y, w, h = box centre and size divided by the image width and height), trained with \
      --classification-weight x cross-entropy + --box-weight x the --box-loss. It predicts ONE \
      box per image: images with several objects are trained on their LARGEST object only; \
      crowd boxes are ignored. Images are stretched to --input-size.
      The model folder holds config.json (architecture, classes, input size, normalisation, \
      loss settings), model.safetensors (PyTorch-style names), history.json (losses and \
      validation metrics per epoch) and checkpoint-N/ folders with optimizer state; --resume \
      continues from the latest checkpoint with the folder's settings.
      --loss-study trains one model per box loss (l1, mse, smooth-l1 beta 1 and 1/9), with clean \
      training boxes and with --study-outlier-fraction of them replaced by random boxes, and \
      writes loss-study.md, loss-study.json and plots (SVG and PNG) into -o instead of a model.
      --arch rcnn: R-CNN on selective-search (fast) proposals with --classifier hog-svm (HOG + \
      one linear SVM per class with hard-negative mining, ridge box regression) or cnn (a small \
      CNN on warped crops, softmax + class-specific box deltas, --epochs over a fixed region \
      pool, --batch-size regions per step); it writes config.json, model.safetensors, \
      validation.json (COCO AP50 on the seeded --validation-fraction) and, for cnn, \
      checkpoint-N/ every epoch for --resume.
      """)

  @Option(help: "The detector architecture.")
  var arch: DetectorArchitecture = .classifyLocalize

  @Argument(help: "The training dataset: a COCO (images/ + annotations.json) or Pascal VOC folder.")
  var dataset: String

  @Option(
    help: "The split to read from a VOC layout with ImageSets (e.g. train). Default: all images.")
  var split: String?

  @Option(name: .shortAndLong, help: "The model folder to write.")
  var output: String

  @Option(help: "R-CNN region classifier: hog-svm or cnn.")
  var classifier: RCNNBackend = .cnn

  @Option(help: "R-CNN warped crop side in pixels. Default: 32 for cnn, 48 for hog-svm.")
  var cropSize: Int?

  @Option(help: "Passes over the training images.")
  var epochs = 30

  @Option(help: "Images per optimisation step.")
  var batchSize = 16

  @Option(help: "Peak Adam learning rate (one epoch of warm-up, then cosine decay to 1%).")
  var learningRate: Float = 0.002

  @Option(help: "L2 weight decay.")
  var weightDecay: Float = 0.0001

  @Option(help: "Seed of the split, the initial weights, the shuffles and the flips.")
  var seed: UInt64 = 0

  @Option(help: "Network input width and height in pixels (at least 16).")
  var inputSize = 64

  @Option(
    help:
      "Box regression loss: l1, mse, smooth-l1 (beta 1) or smooth-l1:BETA (e.g. smooth-l1:1/9). Default: l1 (classify-localize), smooth-l1 (fast-rcnn, faster-rcnn)."
  )
  var boxLoss: String?

  @Option(help: "Weight of the cross-entropy in the total loss.")
  var classificationWeight: Float = 0.5

  @Option(help: "Weight of the box loss in the total loss.")
  var boxWeight: Float = 0.5

  @Flag(
    help: "Add a background class, trained on images without objects (otherwise they are skipped).")
  var background = false

  @Flag(inversion: .prefixedNo, help: "Mirror training images left-right at random.")
  var flip = true

  @Option(help: "Share of images held out (seeded) to report validation metrics each epoch.")
  var validationFraction = 0.2

  @Option(help: "Share of training boxes replaced by random boxes (label-noise experiments).")
  var outlierFraction = 0.0

  @Option(help: "Write checkpoint-N every this many epochs (the last epoch always gets one).")
  var checkpointEvery = 5

  @Flag(help: "Continue from the latest checkpoint in the model folder, with its settings.")
  var resume = false

  @Flag(help: "Run the regression-loss study instead of training one model.")
  var lossStudy = false

  @Option(help: "Share of outlier training boxes in the loss study's noisy runs.")
  var studyOutlierFraction = 0.1

  @Flag(help: "Do not draw the progress bar.")
  var noProgress = false

  @OptionGroup(title: "R-CNN family") var fast: FastRCNNTrainOptions

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    guard batchSize >= 1 else {
      throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
    }
    guard learningRate > 0 else {
      throw ValidationError("--learning-rate must be positive, got \(learningRate)")
    }
    guard inputSize >= 16 else {
      throw ValidationError("--input-size must be at least 16, got \(inputSize)")
    }
    guard BoxRegressionLoss(parsing: boxLoss ?? "l1") != nil else {
      throw ValidationError(
        "--box-loss must be l1, mse, smooth-l1 or smooth-l1:BETA with BETA > 0, got \(boxLoss ?? "")")
    }
    guard classificationWeight >= 0, boxWeight >= 0, classificationWeight + boxWeight > 0 else {
      throw ValidationError(
        "--classification-weight and --box-weight must be 0 or more and not both 0")
    }
    guard (0..<1).contains(validationFraction) else {
      throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
    }
    guard (0...1).contains(outlierFraction) else {
      throw ValidationError("--outlier-fraction must be in [0, 1], got \(outlierFraction)")
    }
    guard (0...1).contains(studyOutlierFraction) else {
      throw ValidationError(
        "--study-outlier-fraction must be in [0, 1], got \(studyOutlierFraction)")
    }
    guard checkpointEvery >= 1 else {
      throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)")
    }
    if lossStudy && resume {
      throw ValidationError("--resume cannot be combined with --loss-study")
    }
    if lossStudy && validationFraction == 0 {
      throw ValidationError("--loss-study needs a --validation-fraction above 0")
    }
  }

  func run() throws {
    if arch == .fastRCNN || arch == .fasterRCNN { return try runFastRCNN() }
    if arch == .rcnn { return try runRCNN() }
    let folder = URL(fileURLWithPath: output)
    let data = try Dataset.load(from: URL(fileURLWithPath: dataset), split: split)
    let classes = data.categories.map(\.name)
    var configuration: ClassifyAndLocalizeConfiguration
    var options = TrainingOptions(
      epochs: epochs, batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay,
      horizontalFlip: flip, seed: seed)
    var checkpoint: (model: ClassifyAndLocalize, optimizer: CheckpointedAdam, state: TrainerState)?
    var validationShare = validationFraction, outlierShare = outlierFraction
    if resume {
      configuration = try ModelFolder.configuration(in: folder)
      guard configuration.classes == classes else {
        throw DetectorsError.classMismatch(
          file: folder.appendingPathComponent("config.json").path, expected: configuration.classes,
          found: classes)
      }
      if let latest = ModelFolder.latestCheckpoint(in: folder) {
        checkpoint = try ModelFolder.loadCheckpoint(latest.url, configuration: configuration)
        options = checkpoint!.state.options
        options.epochs = max(options.epochs, epochs)
        validationShare = checkpoint!.state.validationFraction
        outlierShare = checkpoint!.state.outlierFraction
      }
    } else {
      configuration = ClassifyAndLocalizeConfiguration(
        classes: classes, categoryIDs: data.categories.map(\.id), includesBackground: background,
        inputWidth: inputSize, inputHeight: inputSize,
        boxLoss: BoxRegressionLoss(parsing: boxLoss ?? "l1") ?? .l1,
        classificationWeight: classificationWeight, boxWeight: boxWeight)
    }

    let decodeBar = ProgressBar(total: data.images.count, label: "decode", isEnabled: !noProgress)
    let all = try LocalizationSet(dataset: data, configuration: configuration) {
      decodeBar.advance()
    }
    decodeBar.finish()
    let (cleanTrain, validation) = all.split(
      validationFraction: validationShare, seed: options.seed)
    let hasValidation = !validation.samples.isEmpty

    if lossStudy {
      try runStudy(
        configuration: configuration, options: options, train: cleanTrain, validation: validation,
        folder: folder)
      return
    }

    let corrupted = cleanTrain.corruptingBoxes(fraction: outlierShare, seed: options.seed &+ 17)
    let train = corrupted.set
    let trainer = ClassifyAndLocalizeTrainer(options: options)
    var model =
      checkpoint?.model ?? ClassifyAndLocalize(configuration: configuration, seed: options.seed)
    var optimizer = checkpoint?.optimizer ?? trainer.makeOptimizer()
    var history = checkpoint?.state.history ?? []
    let firstEpoch = (checkpoint?.state.epoch ?? 0) + 1
    if !resume || checkpoint == nil { try ModelFolder.save(&model, to: folder) }
    FileHandle.standardError.write(
      Data(
        ("train: \(train.samples.count) images (largest object of each), validation: \(validation.samples.count), "
          + "outlier boxes: \(corrupted.corrupted.count), classes: \(classes.joined(separator: ", "))\n")
          .utf8))
    guard firstEpoch <= options.epochs else {
      print("\(output): already trained for \(options.epochs) epochs; nothing to resume")
      return
    }
    let bar = ProgressBar(
      total: (options.epochs - firstEpoch + 1) * train.samples.count, label: "train",
      isEnabled: !noProgress)
    for epoch in firstEpoch...options.epochs {
      let record = trainer.trainEpoch(
        epoch, model: &model, optimizer: &optimizer, on: train,
        validation: hasValidation ? validation : nil
      ) { bar.advance(by: $0) }
      history.append(record)
      if epoch % checkpointEvery == 0 || epoch == options.epochs {
        let state = TrainerState(
          epoch: epoch, options: options, validationFraction: validationShare,
          outlierFraction: outlierShare,
          history: history)
        try ModelFolder.saveCheckpoint(&model, optimizer: optimizer, state: state, in: folder)
      }
    }
    bar.finish()
    try ModelFolder.save(&model, to: folder)
    let last = history.last!
    var summary = String(
      format: "loss %.4f (ce %.4f, box %.4f)", last.trainLoss, last.trainClassificationLoss,
      last.trainBoxLoss)
    if let metrics = last.validation {
      summary += String(
        format: "; validation mean IoU %.3f, IoU>=0.5 %.3f, class accuracy %.3f", metrics.meanIoU,
        metrics.localizationAccuracy, metrics.classificationAccuracy)
    }
    print(
      "\(output): \(arch.rawValue) trained for \(options.epochs) epochs on \(train.samples.count) images; \(summary)"
    )
  }

  private func runStudy(
    configuration: ClassifyAndLocalizeConfiguration, options: TrainingOptions,
    train: LocalizationSet,
    validation: LocalizationSet, folder: URL
  ) throws {
    var study = LossStudy(configuration: configuration, options: options)
    study.outlierFractions = studyOutlierFraction > 0 ? [0, studyOutlierFraction] : [0]
    let runCount = study.losses.count * study.outlierFractions.count
    let bar = ProgressBar(
      total: runCount * options.epochs * train.samples.count, label: "study", isEnabled: !noProgress
    )
    let runs = study.run(train: train, validation: validation) { name in
      if noProgress { FileHandle.standardError.write(Data("study: \(name)\n".utf8)) }
    } onStep: {
      bar.advance(by: $0)
    }
    bar.finish()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let title = URL(fileURLWithPath: dataset).lastPathComponent
    let baseline = LossStudy.constantBoxBaseline(
      train: train, validation: validation, includesBackground: configuration.includesBackground)
    let table =
      LossStudy.markdownTable(runs)
      + String(
        format: "\nNo-learning baseline (mean training box, majority class): mean IoU %.3f, "
          + "IoU ≥ 0.5 %.3f, class acc. %.3f\n", baseline.meanIoU, baseline.localizationAccuracy,
        baseline.classificationAccuracy)
    let header = """
      # Box regression loss study: \(title)

      \(train.samples.count) training and \(validation.samples.count) validation images (seed \(options.seed)), \
      input \(configuration.inputWidth)x\(configuration.inputHeight), \(options.epochs) epochs, batch \(options.batchSize), \
      Adam \(options.learningRate), total = \(configuration.classificationWeight) x CE + \(configuration.boxWeight) x box loss.
      Metrics on the validation set after the last epoch.


      """
    try Data((header + table).utf8).write(to: folder.appendingPathComponent("loss-study.md"))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(runs).write(to: folder.appendingPathComponent("loss-study.json"))
    for (stem, plot) in LossStudy.plots(runs, title: title) {
      let svg = plot.svg()
      try Data(svg.utf8).write(to: folder.appendingPathComponent("\(stem).svg"))
      let picture = try Image(data: Data(svg.utf8), name: "\(stem).svg")
      try picture.write(to: folder.appendingPathComponent("\(stem).png"))
    }
    print(table, terminator: "")
  }
}
