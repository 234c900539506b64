import ArgumentParser
import DetectorTraining
import Detectors
import Foundation
import ONNX

extension RCNNBackend: ExpressibleByArgument {}
extension ONNXFeatureExtractor.Pooling: ExpressibleByArgument {}

/// Default schedule of R-CNN's CNN classifier.
enum RCNNSchedule: ScheduleDefaults {
  static var settings: TrainingSettings {
    RCNNConfiguration(backend: .cnn, classes: []).training
  }
  static var batchMeaning: String { "cnn: regions per optimisation step" }
}

/// `regionkit train rcnn`.
struct TrainRCNN: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rcnn",
    abstract: "Train R-CNN: proposals warped to a fixed size and classified one by one.",
    discussion: """
      --classifier hog-svm: HOG of each warped crop, one linear SVM per class with hard-negative \
      mining, Platt scaling and ridge box regression, trained in one pass (of the schedule \
      options only --validation-fraction applies). --classifier cnn: a small CNN with softmax and \
      class-specific box deltas trained for --epochs over a fixed, seeded pool of regions per \
      image, with a checkpoint after each epoch. --classifier onnx-features: the paper's recipe \
      with a network trained elsewhere: its activations at TENSOR of --model NET.onnx:TENSOR for \
      each crop, then the SVMs, Platt scaling and box regression of hog-svm, in one pass. \
      --classifier onnx: a classifier trained elsewhere (--model, --labels naming its output \
      columns); nothing is trained: the network, its external weights and the labels are copied \
      into the model folder and evaluated on the validation split. Crops are normalised for \
      ONNX networks by --mean, --std, --channel-order and --pixel-range (ImageNet's by default). \
      --classifier command: a program in any language that speaks RegionKit's classifier \
      protocol on its standard input and output (--command); nothing is trained: its handshake \
      must list the dataset's classes in order, its crop size becomes the model's, and the \
      model folder records the command for `regionkit detect`. \
      Images are decoded once and dropped after their crops are taken.
      """)

  @OptionGroup var data: DatasetOptions
  @OptionGroup var output: TrainOutputOptions

  @Option(
    help: """
      The region classifier: hog-svm (HOG + linear SVMs), cnn (a small CNN trained here), \
      onnx-features (linear SVMs on the features of the network --model), onnx (the \
      classifier --model as it is, its output columns named by --labels) or command (a program \
      speaking the classifier protocol, --command).
      """)
  var classifier: RCNNBackend = .cnn

  @Option(
    help: """
      Side of the warped crops in pixels. Default: 32 (cnn), 48 (hog-svm), the input size \
      --model declares (onnx-features, onnx; required when it declares none), the crop size \
      of the handshake (command).
      """)
  var cropSize: Int?

  @OptionGroup(title: "Classifier command") var commandOptions: CommandClassifierOptions

  @OptionGroup(title: "Proposals") var proposals: ProposalInputOptions

  @Option(help: "Proposals kept per image, best first.")
  var maxProposals = 2000

  @OptionGroup(title: "Networks trained elsewhere (onnx-features, onnx)")
  var network: RCNNNetworkOptions

  @Option(
    help: """
      hog-svm, onnx-features: C of the linear SVMs. Default: 0.1 (hog-svm), 0.001 \
      (onnx-features, on features scaled to a mean norm of 20 as R-CNN).
      """)
  var svmC: Float?

  @Option(
    help: """
      hog-svm, onnx-features: lambda of the ridge box regressors. Default: 10 (hog-svm), 1000 \
      (onnx-features).
      """)
  var ridgeLambda: Double?

  @OptionGroup(title: "Schedule (cnn)") var schedule: ScheduleOptions<RCNNSchedule>
  @OptionGroup var runOptions: RunOptions

  func validate() throws {
    if !classifier.trainsInEpochs && (schedule.isSet || !schedule.flip || output.resume) {
      throw ValidationError(
        "--classifier \(classifier.rawValue) trains in one pass: --epochs, --batch-size, --learning-rate, --weight-decay, --checkpoint-every, --no-flip and --resume do not apply"
      )
    }
    if classifier == .cnn || classifier == .onnx, svmC != nil || ridgeLambda != nil {
      throw ValidationError(
        "--svm-c and --ridge-lambda apply to --classifier hog-svm and onnx-features only")
    }
    try network.validate(for: classifier)
    try commandOptions.validate(classifier: classifier, cropSize: cropSize)
    guard (1...100_000).contains(maxProposals) else {
      throw ValidationError("--max-proposals must be between 1 and 100000, got \(maxProposals)")
    }
    if let proposals = proposals.proposals, proposals != "selective-search",
      ProposalMethodName.known.contains(proposals)
    {
      throw ValidationError(
        "--proposals: rcnn takes its proposals from selective-search or a file, got \(proposals)")
    }
    _ = try configuration(
      classes: [DetectorClass(name: "-", categoryID: 1)],
      cropSize: cropSize ?? (classifier.usesONNXNetwork ? 224 : nil))
  }

  /// The configuration of a new model with these options, checked.
  ///
  /// - Parameters:
  ///   - classes: The dataset's classes.
  ///   - cropSize: The crop side (the network's for ONNX backends), or nil for the default.
  func configuration(classes: [DetectorClass], cropSize: Int?) throws -> RCNNConfiguration {
    var configuration = RCNNConfiguration(
      backend: classifier, classes: classes, inputSize: cropSize, maxProposals: maxProposals,
      network: try network.settings(for: classifier))
    configuration.training = schedule.settings(seed: runOptions.seed)
    if let svmC { configuration.svmC = svmC }
    if let ridgeLambda { configuration.ridgeLambda = ridgeLambda }
    configuration.command = classifier == .command ? commandOptions.settings : nil
    let renames = [
      "inputSize": "--crop-size", "contextPadding": "--crop-size", "file": "--model",
      "tensor": "--model", "labelsFile": "--labels",
    ].merging(CommandClassifierOptions.renames) { $1 }
    try validateOptions(renames: renames) {
      try configuration.validate(file: "the command line")
    }
    return configuration
  }

  func run() throws {
    let threads = try runOptions.threads()
    let dataset = try data.load()
    let classes = DetectorClass.of(dataset)
    var files: RCNNTraining.NetworkFiles?
    var size = cropSize
    if classifier.usesONNXNetwork, let model = network.model {
      let (url, tensor) = RCNNNetworkOptions.split(model)
      let loaded = try ONNXModel(contentsOf: url)
      for warning in loaded.warnings {
        FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
      }
      size = try Self.cropSize(cropSize, of: loaded, option: url.path)
      let normalization = try network.normalization()
      // Checked before the folder is touched: the tensor, the crop size, the labels.
      if classifier == .onnxFeatures {
        _ = try ONNXFeatureExtractor(
          model: loaded, tensor: tensor, pooling: network.featurePooling ?? .average,
          normalization: normalization, cropSize: size ?? 0)
      } else if let labels = network.labels {
        let labelsURL = URL(fileURLWithPath: labels)
        _ = try ONNXRegionClassifier(
          model: loaded, output: tensor, labels: ClassifierLabels.read(contentsOf: labelsURL),
          classes: classes.map(\.name), normalization: normalization, cropSize: size ?? 0,
          labelsFile: labels)
      }
      files = RCNNTraining.NetworkFiles(
        model: url, labels: network.labels.map { URL(fileURLWithPath: $0) })
    }
    let configuration = try configuration(classes: classes, cropSize: size)
    let result: TrainingResult
    do {
      result = try RCNNTraining.train(
        configuration, on: dataset, network: files, proposals: proposals.file().map { .file($0) },
        skipMissing: proposals.skipMissing, into: output.folder, policy: output.policy,
        threads: threads, observer: TrainingProgress(showsBars: !runOptions.noProgress))
    } catch DetectorsError.existingModel(let folder) where !classifier.trainsInEpochs {
      // The library's message offers --resume, which the one-pass backends refuse.
      throw CommandError(
        "\(folder) already holds a model; pass --force to replace it (--classifier \(classifier.rawValue) trains in one pass and cannot resume)."
      )
    }
    printTrainingResult(result, output: output.output)
  }

  /// The crop side for a network: `--crop-size` when it matches the declared input size, the
  /// declared size when none is given.
  static func cropSize(_ given: Int?, of model: ONNXModel, option: String) throws -> Int {
    let declared = try model.declaredCropSize()
    switch (given, declared) {
    case (let given?, let declared?) where given != declared:
      throw ValidationError(
        "--crop-size is \(given), but \(option) declares \(declared)x\(declared) inputs; give --crop-size \(declared) or leave it out"
      )
    case (let given?, _): return given
    case (nil, let declared?): return declared
    case (nil, nil):
      throw ValidationError(
        "\(option) declares no fixed input size; give --crop-size (224 for most ImageNet classifiers)"
      )
    }
  }
}

/// The options of `train rcnn --classifier onnx-features|onnx`: the network, the labels and
/// how crops are normalised for the network.
struct RCNNNetworkOptions: ParsableArguments {
  @Option(
    help: """
      The network, NET.onnx or NET.onnx:TENSOR. onnx-features: TENSOR is where the features \
      are read (a graph output or any intermediate tensor listed by `regionkit model info \
      NET.onnx`); onnx: the output holding the class scores. The file and the side files of \
      its external weights are copied into the model folder. Default: none; TENSOR: the \
      first graph output.
      """)
  var model: String?

  @Option(
    help: """
      onnx: the labels of the network's output columns, one per line. background or \
      __background__ (any case) name background columns; every dataset class must be a label \
      (same spelling); other labels count as background. Default: none.
      """)
  var labels: String?

  @Option(
    help: """
      onnx-features: how a TENSOR with spatial axes [N, C, H, W] becomes one vector per crop: \
      average (the mean over positions, C features) or flatten (all C*H*W values, as R-CNN's \
      pool5). Default: average.
      """)
  var featurePooling: ONNXFeatureExtractor.Pooling?

  @Option(
    help: """
      Per-channel mean subtracted from the crops, three numbers in the network's channel \
      order and pixel range. Default: 0.485,0.456,0.406 (ImageNet, torchvision).
      """)
  var mean: String?

  @Option(
    help: """
      Per-channel standard deviation the crops are divided by, three positive numbers in the \
      network's channel order and pixel range. Default: 0.229,0.224,0.225 (ImageNet).
      """)
  var std: String?

  @Option(help: "The order of the colour planes the network reads: rgb or bgr. Default: rgb.")
  var channelOrder: String?

  @Option(
    help: "The value of a full-intensity pixel the network expects: 1 or 255. Default: 1.")
  var pixelRange: Int?

  /// Checks which options apply to `backend` and parses the normalisation.
  func validate(for backend: RCNNBackend) throws {
    if !backend.usesONNXNetwork {
      let given = [
        ("--model", model != nil), ("--labels", labels != nil),
        ("--feature-pooling", featurePooling != nil), ("--mean", mean != nil),
        ("--std", std != nil), ("--channel-order", channelOrder != nil),
        ("--pixel-range", pixelRange != nil),
      ].filter(\.1).map(\.0)
      if !given.isEmpty {
        throw ValidationError(
          "\(given.joined(separator: ", ")): only for --classifier onnx-features and onnx")
      }
      return
    }
    guard let model, !model.isEmpty, !model.hasPrefix(":") else {
      throw ValidationError("--classifier \(backend.rawValue) needs --model NET.onnx[:TENSOR]")
    }
    if backend == .onnx && labels == nil {
      throw ValidationError(
        "--classifier onnx needs --labels FILE naming the network's output columns")
    }
    if backend == .onnxFeatures && labels != nil {
      throw ValidationError("--labels: only for --classifier onnx (onnx-features trains its SVMs)")
    }
    if backend == .onnx && featurePooling != nil {
      throw ValidationError("--feature-pooling: only for --classifier onnx-features")
    }
    _ = try normalization()
  }

  /// The normalisation the options describe (ImageNet's where not given).
  func normalization() throws -> InputNormalization {
    var result = InputNormalization.imageNet
    if let mean { result.mean = try Self.triple(mean, option: "--mean") }
    if let std { result.std = try Self.triple(std, option: "--std") }
    if let channelOrder {
      guard let order = InputNormalization.ChannelOrder(rawValue: channelOrder) else {
        throw ValidationError("--channel-order is \(channelOrder); allowed: rgb, bgr")
      }
      result.channelOrder = order
    }
    if let pixelRange { result.pixelRange = Float(pixelRange) }
    try validateOptions(
      renames: [
        "mean": "--mean", "std": "--std", "pixelRange": "--pixel-range",
      ]
    ) {
      try result.validate(ConfigurationCheck(file: "the command line"), key: "normalization")
    }
    return result
  }

  /// The network settings of a new model (nil for backends without a network).
  func settings(for backend: RCNNBackend) throws -> ONNXNetworkSettings? {
    guard backend.usesONNXNetwork, let model else { return nil }
    let (url, tensor) = Self.split(model)
    return ONNXNetworkSettings(
      file: url.lastPathComponent, tensor: tensor, pooling: featurePooling ?? .average,
      labelsFile: backend == .onnx ? ONNXNetworkSettings.defaultLabelsFile : nil,
      normalization: try normalization())
  }

  /// `NET.onnx[:TENSOR]` as the file and the tensor. The tensor follows the first `.onnx:`;
  /// without one, the text is the file.
  static func split(_ text: String) -> (url: URL, tensor: String?) {
    if let range = text.range(of: ".onnx:") {
      let tensor = String(text[range.upperBound...])
      return (
        URL(fileURLWithPath: String(text[..<range.upperBound].dropLast())),
        tensor.isEmpty ? nil : tensor
      )
    }
    return (URL(fileURLWithPath: text), nil)
  }

  /// Three comma-separated numbers.
  static func triple(_ text: String, option: String) throws -> [Float] {
    let values = text.split(separator: ",").map {
      Float($0.trimmingCharacters(in: .whitespaces))
    }
    guard values.count == 3, values.allSatisfy({ $0?.isFinite == true }) else {
      throw ValidationError("\(option) is \(text); allowed: three numbers, such as 0.5,0.5,0.5")
    }
    return values.map { $0! }
  }
}
