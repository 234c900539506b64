import Foundation
import NeuralNet
import ONNX
import Proposals

/// Loads the detector of any model folder (see ``ModelFolder``), and writes and reads each
/// architecture's weights under PyTorch-style names.
///
///     let detector = try DetectorModel.load(from: URL(fileURLWithPath: "model"))
///     let objects = try detector.detect(in: image)
///
/// The loaders also read a `checkpoints/N/` folder when given its configuration.
public enum DetectorModel {
  /// The detector of `folder`, whichever its architecture.
  ///
  /// - Parameters:
  ///   - folder: A model folder written by a trainer (or ``ModelFolder/save(configuration:tensors:to:)``).
  ///   - proposalGenerator: R-CNN and Fast R-CNN: the proposal stage of `detect(in:)`.
  ///     Default: the method the model was trained with, with the library's defaults.
  /// - Throws: ``DetectorsError`` for a missing, outdated or invalid `config.json`, missing or
  ///   non-finite weights; NeuralNet's errors for mis-shaped tensors.
  public static func load(
    from folder: URL, proposalGenerator: (any ProposalGenerator)? = nil
  ) throws -> any Detector {
    switch try ModelFolder.architecture(in: folder) {
    case .classifyLocalize:
      return try loadClassifyAndLocalize(from: folder)
    case .rcnn:
      var rcnn = try loadRCNN(from: folder)
      if let proposalGenerator { rcnn.proposalGenerator = proposalGenerator }
      return rcnn
    case .fastRCNN:
      var model = try loadFasterRCNN(from: folder).fast
      if let proposalGenerator { model.proposalGenerator = proposalGenerator }
      return model
    case .fasterRCNN:
      return try loadFasterRCNN(from: folder)
    }
  }

  // MARK: Classify-localize

  /// The ``ClassifyAndLocalize`` model of `folder` (or of a checkpoint with `configuration`).
  public static func loadClassifyAndLocalize(
    from folder: URL, configuration: ClassifyAndLocalizeConfiguration? = nil
  ) throws -> ClassifyAndLocalize {
    let configuration =
      try configuration
      ?? ModelFolder.configuration(ClassifyAndLocalizeConfiguration.self, in: folder)
    var model = ClassifyAndLocalize(configuration: configuration, seed: 0)
    try model.loadStateDict(
      ModelFolder.weights(in: folder),
      source: folder.appendingPathComponent(ModelFolder.weightsFile).path)
    model.setTraining(false)
    return model
  }

  // MARK: Fast and Faster R-CNN

  /// The tensors of a Fast R-CNN (`backbone.*`, `roi_heads.*`) or Faster R-CNN (and `rpn.*`).
  public static func tensors(of model: inout FasterRCNN) -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    visitSaved(&model) { name, parameter in result[name] = parameter.value }
    return result
  }

  private static func visitSaved(
    _ model: inout FasterRCNN, _ visit: (String, inout Parameter) -> Void
  ) {
    if model.configuration.architecture == .fasterRCNN {
      model.visitParameters(visit)
    } else {
      model.fast.visitParameters(visit)
    }
  }

  /// The Fast or Faster R-CNN model of `folder` (a Fast R-CNN model has an untrained, unused
  /// RPN), or of a checkpoint with `configuration`.
  ///
  /// - Parameters:
  ///   - folder: The model folder, or a checkpoint's.
  ///   - configuration: The model's configuration. Default: nil, the folder's `config.json`.
  ///   - backbone: The backbone. Default: nil, the one the configuration records, built from
  ///     `folder` (``backbone(of:in:)``); a model with a ``BackboneConfiguration/Kind/custom``
  ///     backbone needs it given, as does a checkpoint of a model with an ONNX backbone (the
  ///     network's file is in the model folder). Its trained weights are read from `folder`.
  /// - Throws: ``DetectorsError`` for a missing or invalid `config.json`, a backbone that does
  ///   not match it, missing or non-finite weights; NeuralNet's errors for mis-shaped tensors;
  ///   ``/ONNX/ONNXError`` for the backbone's network.
  public static func loadFasterRCNN(
    from folder: URL, configuration: FastRCNNConfiguration? = nil, backbone: (any Backbone)? = nil
  ) throws -> FasterRCNN {
    let configuration =
      try configuration ?? ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
    let network = try backbone ?? Self.backbone(of: configuration, in: folder)
    let recorded = configuration.backbone
    guard network.stride == recorded.stride, network.outputChannels == recorded.channels else {
      throw DetectorsError.invalidBackbone(
        file: folder.appendingPathComponent(ModelFolder.configurationFile).path,
        reason: "the backbone given (\(type(of: network))) has stride \(network.stride) and "
          + "\(network.outputChannels) channels; the model was trained on stride "
          + "\(recorded.stride) and \(recorded.channels) channels")
    }
    var model = try FasterRCNN(configuration: configuration, backbone: network, seed: 0)
    let source = folder.appendingPathComponent(ModelFolder.weightsFile).path
    let tensors = try ModelFolder.weights(in: folder)
    var expected = Self.tensors(of: &model)
    for name in expected.keys.sorted() {
      guard let tensor = tensors[name] else {
        throw NeuralNetError.missingTensor(file: source, tensor: name)
      }
      guard tensor.shape == expected[name]!.shape else {
        throw NeuralNetError.shapeMismatch(
          file: source, tensor: name, expected: expected[name]!.shape, found: tensor.shape)
      }
      expected[name] = tensor
    }
    if let extra = tensors.keys.sorted().first(where: { expected[$0] == nil }) {
      throw NeuralNetError.unexpectedTensor(file: source, tensor: extra)
    }
    visitSaved(&model) { name, parameter in parameter.value = expected[name]! }
    return model
  }

  /// The backbone `configuration` records, with its initial weights (a trained model's are
  /// in its `model.safetensors`): the small CNN, or the ONNX network copied into `folder`
  /// (rebuilt from NeuralNet layers when it was fine-tuned).
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)`` when the network's file is
  ///   missing; ``DetectorsError/invalidBackbone(file:reason:)`` when it no longer matches the
  ///   configuration, or the backbone is a Swift type (``BackboneConfiguration/Kind/custom``),
  ///   which has to be given; ``DetectorsError/untrainableBackbone(file:node:op:reason:)``;
  ///   ``/ONNX/ONNXError``.
  public static func backbone(of configuration: FastRCNNConfiguration, in folder: URL) throws
    -> any Backbone
  {
    let description = configuration.backbone
    switch description.kind {
    case .smallCNN:
      return DetectionBackbone(channels: configuration.backboneChannels, seed: 0)
    case .onnx:
      let onnx = try ONNXBackbone.load(description, in: folder, probeSide: configuration.maxSide)
      return description.isFrozen ? onnx : try onnx.trainable()
    case .custom:
      throw DetectorsError.invalidBackbone(
        file: folder.appendingPathComponent(ModelFolder.configurationFile).path,
        reason: "the model's backbone is the Swift type \(description.typeName ?? "?"); load "
          + "it with DetectorModel.loadFasterRCNN(from:configuration:backbone:), giving that "
          + "backbone")
    }
  }

  // MARK: R-CNN

  /// The R-CNN pipeline of `folder`: its classifier, crop settings, proposal method and
  /// post-processing (or of a checkpoint with `configuration`).
  public static func loadRCNN(from folder: URL, configuration: RCNNConfiguration? = nil) throws
    -> RCNN
  {
    let configuration =
      try configuration ?? ModelFolder.configuration(RCNNConfiguration.self, in: folder)
    let classifier = try loadRegionClassifier(from: folder, configuration: configuration)
    return rcnn(configuration, classifier: classifier)
  }

  /// The R-CNN pipeline of a configuration around `classifier` (proposals: selective search
  /// fast on one thread, the configuration's count; crops classified in batches on
  /// ``/NeuralNet/ComputeThreads/count`` threads).
  public static func rcnn(_ configuration: RCNNConfiguration, classifier: any RegionClassifier)
    -> RCNN
  {
    RCNN(
      classifier: classifier, classes: configuration.classes, inputSize: configuration.inputSize,
      contextPadding: configuration.contextPadding,
      proposalGenerator: RCNN.defaultProposalGenerator(threads: 1),
      maxProposals: configuration.maxProposals, postprocessor: configuration.postprocessor,
      threads: ComputeThreads.count)
  }

  /// A fresh CNN region classifier of `configuration`.
  public static func makeCNN(_ configuration: RCNNConfiguration, seed: UInt64)
    -> CNNRegionClassifier
  {
    CNNRegionClassifier(
      classes: configuration.classNames, inputSize: configuration.inputSize,
      channels: configuration.channels, hiddenFeatures: configuration.hiddenFeatures, seed: seed)
  }

  /// The tensors of an SVM classifier (hog-svm, onnx-features): `svm.weight [K, d]`,
  /// `svm.bias [K]`, `platt [K, 2]` (A, B), `feature_scale [1]`, and with box regression
  /// `bbox_reg.weight [K, d, 4]` and `bbox_reg.bias [K, 4]`.
  ///
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` when the
  ///   classifier's parts do not fit together (its properties were changed after it was made).
  public static func tensors(of classifier: SVMRegionClassifier) throws -> [String: Tensor] {
    if let problem = classifier.inconsistency {
      throw DetectorsError.malformedClassification(
        classifier: "SVMRegionClassifier", reason: problem)
    }
    let k = classifier.classes.count, d = classifier.featureCount
    var tensors: [String: Tensor] = [
      "svm.weight": Tensor(shape: [k, d], data: classifier.machines.flatMap(\.weights)),
      "svm.bias": Tensor(shape: [k], data: classifier.machines.map(\.bias)),
      "platt": Tensor(shape: [k, 2], data: classifier.calibrations.flatMap { [$0.a, $0.b] }),
      "feature_scale": Tensor(shape: [1], data: [classifier.featureScale]),
    ]
    if let regressors = classifier.regressors {
      tensors["bbox_reg.weight"] = Tensor(shape: [k, d, 4], data: regressors.flatMap(\.weights))
      tensors["bbox_reg.bias"] = Tensor(shape: [k, 4], data: regressors.flatMap(\.biases))
    }
    return tensors
  }

  /// The region classifier of an R-CNN folder (any backend; command starts the command).
  ///
  /// - Throws: ``DetectorsError`` for missing files (weights, the ONNX network, labels) and
  ///   labels that do not fit the configuration; ``/NeuralNet/NeuralNetError`` naming
  ///   `model.safetensors` and the tensor for weights that do not (missing, unexpected or of
  ///   another shape); ``/ONNX/ONNXError`` for a network that does not load.
  public static func loadRegionClassifier(from folder: URL, configuration: RCNNConfiguration)
    throws -> any RegionClassifier
  {
    let weightsFile = folder.appendingPathComponent(ModelFolder.weightsFile).path
    let configFile = folder.appendingPathComponent(ModelFolder.configurationFile).path
    switch configuration.backend {
    case .cnn:
      return try loadCNN(from: folder, configuration: configuration)
    case .hogSVM:
      let d = configuration.hog.featureCount(
        width: configuration.inputSize, height: configuration.inputSize)
      return try svmClassifier(
        ModelFolder.weights(in: folder), configuration: configuration,
        extractor: configuration.hog, featureCount: d, source: weightsFile)
    case .onnxFeatures:
      let extractor = try onnxFeatureExtractor(in: folder, configuration: configuration)
      return try svmClassifier(
        ModelFolder.weights(in: folder), configuration: configuration, extractor: extractor,
        featureCount: extractor.featureCount, source: weightsFile)
    case .onnx:
      guard let network = configuration.network else {
        throw DetectorsError.invalidValue(
          file: configFile, key: "network", value: "missing", allowed: "the network settings")
      }
      let model = try network.loadModel(in: folder)
      try checkCropSize(model, configuration: configuration, file: configFile)
      return try ONNXRegionClassifier(
        model: model, output: network.tensor, labels: network.loadLabels(in: folder),
        classes: configuration.classNames, normalization: network.normalization,
        cropSize: configuration.inputSize,
        labelsFile: folder.appendingPathComponent(
          network.labelsFile ?? ONNXNetworkSettings.defaultLabelsFile
        ).path)
    case .command:
      return try commandClassifier(configuration, source: configFile)
    }
  }

  /// The feature extractor of an onnx-features folder: its network cut at the configured
  /// tensor.
  ///
  /// - Throws: as ``loadRegionClassifier(from:configuration:)``.
  public static func onnxFeatureExtractor(in folder: URL, configuration: RCNNConfiguration)
    throws -> ONNXFeatureExtractor
  {
    let configFile = folder.appendingPathComponent(ModelFolder.configurationFile).path
    guard let network = configuration.network else {
      throw DetectorsError.invalidValue(
        file: configFile, key: "network", value: "missing", allowed: "the network settings")
    }
    let model = try network.loadModel(in: folder)
    try checkCropSize(model, configuration: configuration, file: configFile)
    return try ONNXFeatureExtractor(
      model: model, tensor: network.tensor, pooling: network.pooling,
      normalization: network.normalization, cropSize: configuration.inputSize)
  }

  /// Refuses a configuration whose crop size differs from the network's declared input size.
  private static func checkCropSize(
    _ model: ONNXModel, configuration: RCNNConfiguration, file: String
  ) throws {
    if let declared = try model.declaredCropSize(), declared != configuration.inputSize {
      throw DetectorsError.invalidValue(
        file: file, key: "inputSize", value: "\(configuration.inputSize)",
        allowed: "\(declared) (\(model.file) declares \(declared)x\(declared) inputs)")
    }
  }

  /// The CNN region classifier of an R-CNN folder (or checkpoint) with a cnn backend.
  public static func loadCNN(from folder: URL, configuration: RCNNConfiguration) throws
    -> CNNRegionClassifier
  {
    var network = makeCNN(configuration, seed: 0)
    try network.loadStateDict(
      ModelFolder.weights(in: folder),
      source: folder.appendingPathComponent(ModelFolder.weightsFile).path)
    network.setTraining(false)
    return network
  }

  private static func svmClassifier(
    _ tensors: [String: Tensor], configuration: RCNNConfiguration,
    extractor: any RegionFeatureExtractor, featureCount d: Int, source: String
  ) throws -> SVMRegionClassifier {
    let k = configuration.classes.count
    let expected: [String: [Int]] = [
      "svm.weight": [k, d], "svm.bias": [k], "platt": [k, 2], "feature_scale": [1],
      "bbox_reg.weight": [k, d, 4], "bbox_reg.bias": [k, 4],
    ]
    for name in tensors.keys.sorted() {
      guard let shape = expected[name] else {
        throw NeuralNetError.unexpectedTensor(file: source, tensor: name)
      }
      if tensors[name]!.shape != shape {
        throw NeuralNetError.shapeMismatch(
          file: source, tensor: name, expected: shape, found: tensors[name]!.shape)
      }
    }
    // Required: the SVMs and their calibrations. Optional: the feature scale (folders written
    // before it existed) and the box regressors, both or neither.
    let required = ["svm.weight", "svm.bias", "platt"]
    if let missing = required.first(where: { tensors[$0] == nil }) {
      throw NeuralNetError.missingTensor(file: source, tensor: missing)
    }
    let regression = ["bbox_reg.weight", "bbox_reg.bias"]
    if let present = regression.first(where: { tensors[$0] != nil }),
      let missing = regression.first(where: { tensors[$0] == nil })
    {
      throw NeuralNetError.missingTensor(file: source, tensor: "\(missing) (\(present) is there)")
    }
    let weight = tensors["svm.weight"]!, bias = tensors["svm.bias"]!, platt = tensors["platt"]!
    var scale: Float = 1
    if let stored = tensors["feature_scale"] {
      guard stored.data[0] > 0 else {
        throw DetectorsError.malformedCheckpoint(
          file: source, reason: "feature_scale must be positive, found \(stored.data[0])")
      }
      scale = stored.data[0]
    }
    var regressors: [RidgeRegression]?
    if let rw = tensors["bbox_reg.weight"], let rb = tensors["bbox_reg.bias"] {
      regressors = (0..<k).map { c in
        RidgeRegression(
          weights: Array(rw.data[(c * d * 4)..<((c + 1) * d * 4)]),
          biases: Array(rb.data[(c * 4)..<(c * 4 + 4)]), featureCount: d, outputCount: 4)
      }
    }
    return try SVMRegionClassifier(
      classes: configuration.classNames, extractor: extractor, featureScale: scale,
      machines: (0..<k).map {
        LinearSVM(weights: Array(weight.data[($0 * d)..<(($0 + 1) * d)]), bias: bias.data[$0])
      },
      calibrations: (0..<k).map { PlattScaling(a: platt.data[2 * $0], b: platt.data[2 * $0 + 1]) },
      regressors: regressors)
  }
}
