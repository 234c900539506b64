import Foundation
import NeuralNet

/// Reads and writes R-CNN model folders: `config.json` (``RCNNConfiguration``) and
/// `model.safetensors`. For the CNN backend the tensors are the network's state dict; for
/// HOG + SVM they are `svm.weight [K, d]`, `svm.bias [K]`, `platt [K, 2]` (A, B),
/// `bbox_reg.weight [K, d, 4]` and `bbox_reg.bias [K, 4]`. CNN checkpoints
/// (`checkpoint-N/` with weights, Adam moments and `trainer_state.json`) allow resuming.
public enum RCNNModelFolder {
  /// The configuration in `folder`.
  public static func configuration(in folder: URL) throws -> RCNNConfiguration {
    try ModelFolder.readConfiguration(RCNNConfiguration.self, in: folder)
  }

  /// Writes a configuration and tensors.
  public static func save(
    configuration: RCNNConfiguration, tensors: [String: Tensor], to folder: URL
  ) throws {
    try ModelFolder.save(configuration: configuration, tensors: tensors, to: folder)
  }

  /// The tensors of a HOG + SVM classifier.
  public static func tensors(of classifier: HOGSVMClassifier) -> [String: Tensor] {
    let k = classifier.classes.count, d = classifier.machines.first?.weights.count ?? 0
    var tensors: [String: Tensor] = [
      "svm.weight": Tensor(shape: [k, d], data: classifier.machines.flatMap(\.weights)),
      "svm.bias": Tensor(shape: [k], data: classifier.machines.map(\.bias)),
      "platt": Tensor(shape: [k, 2], data: classifier.calibrations.flatMap { [$0.a, $0.b] }),
    ]
    if let regressors = classifier.regressors {
      tensors["bbox_reg.weight"] = Tensor(shape: [k, d, 4], data: regressors.flatMap(\.weights))
      tensors["bbox_reg.bias"] = Tensor(shape: [k, 4], data: regressors.flatMap(\.biases))
    }
    return tensors
  }

  /// Loads the classifier of `folder` (either backend).
  public static func loadClassifier(from folder: URL, configuration: RCNNConfiguration) throws
    -> any RegionClassifier
  {
    let url = folder.appendingPathComponent(ModelFolder.weightsFile)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: ModelFolder.weightsFile)
    }
    let tensors = try SafeTensors.load(contentsOf: url)
    switch configuration.backend {
    case .cnn:
      return try loadCNN(tensors, configuration: configuration, source: url.path)
    case .hogSVM:
      let k = configuration.classes.count
      guard let weight = tensors["svm.weight"], let bias = tensors["svm.bias"],
        let platt = tensors["platt"], weight.rank == 2, weight.shape[0] == k,
        bias.shape == [k], platt.shape == [k, 2]
      else {
        throw DetectorsError.malformedCheckpoint(
          file: url.path, reason: "svm.weight [K, d], svm.bias [K] and platt [K, 2] needed")
      }
      let d = weight.shape[1]
      var regressors: [RidgeRegression]?
      if let rw = tensors["bbox_reg.weight"], let rb = tensors["bbox_reg.bias"] {
        guard rw.shape == [k, d, 4], rb.shape == [k, 4] else {
          throw DetectorsError.malformedCheckpoint(file: url.path, reason: "bbox_reg shapes")
        }
        regressors = (0..<k).map { c in
          RidgeRegression(
            weights: Array(rw.data[(c * d * 4)..<((c + 1) * d * 4)]),
            biases: Array(rb.data[(c * 4)..<(c * 4 + 4)]), featureCount: d, outputCount: 4)
        }
      }
      return HOGSVMClassifier(
        classes: configuration.classes, hog: configuration.hog,
        machines: (0..<k).map {
          LinearSVM(weights: Array(weight.data[($0 * d)..<(($0 + 1) * d)]), bias: bias.data[$0])
        },
        calibrations: (0..<k).map {
          PlattScaling(a: platt.data[2 * $0], b: platt.data[2 * $0 + 1])
        },
        regressors: regressors)
    }
  }

  /// A fresh CNN of `configuration`.
  public static func makeCNN(_ configuration: RCNNConfiguration, seed: UInt64)
    -> CNNRegionClassifier
  {
    CNNRegionClassifier(
      classes: configuration.classes, inputSize: configuration.inputSize,
      channels: configuration.channels, hiddenFeatures: configuration.hiddenFeatures, seed: seed)
  }

  static func loadCNN(
    _ tensors: [String: Tensor], configuration: RCNNConfiguration, source: String
  ) throws -> CNNRegionClassifier {
    var network = makeCNN(configuration, seed: 0)
    try network.loadStateDict(tensors, source: source)
    network.setTraining(false)
    return network
  }

  /// The state saved with a CNN checkpoint.
  public struct CheckpointState: Sendable, Codable {
    /// Epochs completed.
    public var epoch: Int
    /// Total epochs planned.
    public var epochs: Int
    /// Settings needed to continue identically.
    public var learningRate: Float
    /// Weight decay.
    public var weightDecay: Float
    /// Batch size.
    public var batchSize: Int
    /// Seed.
    public var seed: UInt64
    /// Validation share.
    public var validationFraction: Double
    /// Mean losses per epoch (ce, box).
    public var history: [[Double]]

    /// A state.
    public init(
      epoch: Int, epochs: Int, learningRate: Float, weightDecay: Float, batchSize: Int,
      seed: UInt64, validationFraction: Double, history: [[Double]]
    ) {
      self.epoch = epoch
      self.epochs = epochs
      self.learningRate = learningRate
      self.weightDecay = weightDecay
      self.batchSize = batchSize
      self.seed = seed
      self.validationFraction = validationFraction
      self.history = history
    }
  }

  /// Writes `checkpoint-N/` (N = `state.epoch`) with the network, Adam moments and state.
  public static func saveCheckpoint(
    _ model: inout CNNRegionClassifier, optimizer: CheckpointedAdam, state: CheckpointState,
    configuration: RCNNConfiguration, in folder: URL
  ) throws {
    let checkpoint = folder.appendingPathComponent("checkpoint-\(state.epoch)")
    try save(configuration: configuration, tensors: model.stateDict(), to: checkpoint)
    let moments = checkpoint.appendingPathComponent(ModelFolder.optimizerFile)
    do {
      try SafeTensors.save(optimizer.stateTensors(), to: moments)
    } catch {
      throw DetectorsError.unwritableFile(file: moments.path, reason: "\(error)")
    }
    try ModelFolder.writeJSON(state, to: checkpoint.appendingPathComponent(ModelFolder.stateFile))
  }

  /// Loads the latest CNN checkpoint of `folder`, if any.
  public static func loadLatestCheckpoint(in folder: URL, configuration: RCNNConfiguration)
    throws -> (model: CNNRegionClassifier, optimizer: CheckpointedAdam, state: CheckpointState)?
  {
    guard let latest = ModelFolder.latestCheckpoint(in: folder) else { return nil }
    let state = try ModelFolder.checkpointState(CheckpointState.self, in: latest.url)
    let weights = latest.url.appendingPathComponent(ModelFolder.weightsFile)
    let model = try loadCNN(
      SafeTensors.load(contentsOf: weights), configuration: configuration, source: weights.path)
    let optimizer = try ModelFolder.checkpointOptimizer(
      in: latest.url, learningRate: state.learningRate, weightDecay: state.weightDecay)
    return (model, optimizer, state)
  }
}
