import Boxes

/// Everything an R-CNN model folder needs besides its weights (`config.json`), plus the
/// training settings of DetectorTraining's `RCNNTraining`.
///
/// The backends `onnx-features` and `onnx` add ``network`` (the ONNX file, the tensor read and
/// the input normalisation); the others leave it out.
public struct RCNNConfiguration: Sendable, Hashable, Codable {
  /// The model folder format (``ModelFolder/currentFormat``).
  public var format: Int = ModelFolder.currentFormat
  /// Always ``DetectorArchitecture/rcnn``.
  public var architecture: DetectorArchitecture = .rcnn
  /// The classifier backend.
  public var backend: RCNNBackend
  /// The object classes (without background), in label order, with their category ids.
  public var classes: [DetectorClass]
  /// How the model was trained (the CNN's schedule; hog-svm trains in one pass).
  public var training = TrainingSettings(epochs: 8, batchSize: 64)
  /// Warped crop side in pixels. Default: 32 (cnn) or 48 (the others; onnx-features and onnx
  /// take the network's declared input size when it has one).
  public var inputSize: Int
  /// Context pixels in the crop. Default: ``RCNN/defaultContextPadding(inputSize:)``.
  public var contextPadding: Int
  /// Proposals kept per image (selective search fast). Default: 2000.
  public var maxProposals: Int
  /// Per-class NMS IoU. Default: 0.3 (R-CNN).
  public var nmsThreshold: Double
  /// Detections below this probability are dropped. Default: 0.05.
  public var scoreThreshold: Float
  /// HOG settings (hog-svm).
  public var hog: HOGDescriptor
  /// SVM C (hog-svm, onnx-features). Default: 0.1 (hog-svm), 0.001 (onnx-features, the
  /// paper's for features scaled to ``featureNorm`` 20).
  public var svmC: Float
  /// Ridge λ of the box regressors (hog-svm, onnx-features). Default: 10 for hog-svm (HOG
  /// blocks have unit norm, so a 900-d descriptor has norm ≈ 5); 1000 for onnx-features (the
  /// paper's, on pool5 features scaled to ``featureNorm`` 20).
  public var ridgeLambda: Double
  /// onnx-features: the network's features are scaled so that their mean L2 norm over the
  /// training regions is this (R-CNN's 20), which makes ``svmC`` and ``ridgeLambda`` carry over
  /// between networks; nil leaves them as they are. Default: 20 for onnx-features, nil for the
  /// others (HOG descriptors are normalised already).
  public var featureNorm: Float?
  /// onnx-features and onnx: the network and how crops are fed to it; nil for the others.
  public var network: ONNXNetworkSettings?
  /// CNN channels per block. Default: `[16, 32, 64]`.
  public var channels: [Int]
  /// CNN hidden width. Default: 128.
  public var hiddenFeatures: Int
  /// Weight λ of the smooth-L1 box loss (cnn). Default: 1.
  public var boxWeight: Float
  /// Fine-tuning foreground IoU. Default: 0.5.
  public var positiveIoU: Float
  /// SVM negatives are proposals below this IoU with every object. Default: 0.3.
  public var negativeIoU: Float
  /// Box-regression samples need this IoU. Default: 0.6.
  public var regressionIoU: Float
  /// Foreground regions kept per training image (cnn), ground truth first. Default: 32.
  public var foregroundPerImage: Int
  /// Background regions kept per training image (cnn and SVM pool), seeded. Default: 96.
  public var backgroundPerImage: Int
  /// How to run the classifier command (command backend only; `nil` otherwise).
  public var command: CommandClassifier.Settings?
  /// The handshake the command gave when the model folder was made (command backend only).
  public var commandHandshake: CommandClassifierHandshake?

  /// A configuration with the defaults above.
  ///
  /// - Parameters:
  ///   - backend: The region classifier.
  ///   - classes: The object classes with their category ids, label order.
  ///   - inputSize: The crop side. Default: 32 (cnn), 48 (the others).
  ///   - contextPadding: Default: ``RCNN/defaultContextPadding(inputSize:)``.
  ///   - maxProposals: Proposals kept per image. Default: 2000.
  ///   - network: The network (onnx-features and onnx). Default: nil.
  public init(
    backend: RCNNBackend, classes: [DetectorClass], inputSize: Int? = nil,
    contextPadding: Int? = nil, maxProposals: Int = 2000, network: ONNXNetworkSettings? = nil
  ) {
    self.backend = backend
    self.classes = classes
    self.network = network
    let size = inputSize ?? (backend == .cnn ? 32 : 48)
    self.inputSize = size
    self.contextPadding = contextPadding ?? RCNN.defaultContextPadding(inputSize: size)
    self.maxProposals = maxProposals
    nmsThreshold = 0.3
    scoreThreshold = 0.05
    hog = HOGDescriptor()
    let networkFeatures = backend == .onnxFeatures
    svmC = networkFeatures ? 0.001 : 0.1
    ridgeLambda = networkFeatures ? 1000 : 10
    featureNorm = networkFeatures ? 20 : nil
    channels = [16, 32, 64]
    hiddenFeatures = 128
    boxWeight = 1
    positiveIoU = 0.5
    negativeIoU = 0.3
    regressionIoU = 0.6
    foregroundPerImage = 32
    backgroundPerImage = 96
  }

  /// The class names, in label order.
  public var classNames: [String] { classes.map(\.name) }

  /// Checks every value against what the pipeline needs.
  ///
  /// - Parameter file: The `config.json` the values came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  public func validate(file: String) throws {
    let check = ConfigurationCheck(file: file)
    try check.classes(classes)
    try check.integer("inputSize", inputSize, in: 8...1024)
    try check.integer("contextPadding", contextPadding, in: 0...(inputSize / 2 - 1))
    try check.integer("maxProposals", maxProposals, in: 1...100_000)
    try check.number("nmsThreshold", nmsThreshold, in: 0...1)
    try check.number("scoreThreshold", Double(scoreThreshold), in: 0...1)
    if backend == .hogSVM { try hog.validate(check, cropSize: inputSize) }
    try check.number("svmC", Double(svmC), in: 1e-9...1e9)
    try check.number("ridgeLambda", ridgeLambda, in: 1e-9...1e12)
    if let featureNorm { try check.number("featureNorm", Double(featureNorm), in: 1e-6...1e6) }
    switch (backend.usesONNXNetwork, network) {
    case (true, nil):
      throw check.fail("network", "missing", allowed: "the network settings of \(backend.rawValue)")
    case (true, let network?):
      try network.validate(check, backend: backend)
    case (false, .some):
      throw check.fail("network", "present", allowed: "no network for \(backend.rawValue)")
    case (false, nil): break
    }
    try check.integers("channels", channels, count: 1...6, in: 1...2048)
    try check.integer("hiddenFeatures", hiddenFeatures, in: 1...16_384)
    try check.number("boxWeight", Double(boxWeight), in: 0...1000)
    try check.number("positiveIoU", Double(positiveIoU), in: 0...1)
    try check.number("negativeIoU", Double(negativeIoU), in: 0...1)
    try check.number("regressionIoU", Double(regressionIoU), in: 0...1)
    try check.integer("foregroundPerImage", foregroundPerImage, in: 0...100_000)
    try check.integer("backgroundPerImage", backgroundPerImage, in: 0...100_000)
    try training.validate(file: file)
    try validateCommand(check)
  }

  /// The post-processor these settings describe.
  public var postprocessor: DetectionPostprocessor {
    DetectionPostprocessor(scoreThreshold: scoreThreshold, nmsThreshold: nmsThreshold)
  }
}
