import Foundation
import NeuralNet

/// Model folders of ``FastRCNN`` and ``FasterRCNN``: `config.json`
/// (``FastRCNNConfiguration``), `model.safetensors`, `history.json` and `checkpoint-N/`
/// folders (weights, `optimizer.safetensors`, `trainer_state.json`), as for
/// ``ClassifyAndLocalize``.
extension ModelFolder {
  static func weights(_ model: inout FasterRCNN) -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    let visit: (String, inout Parameter) -> Void = { name, parameter in
      result[name] = parameter.value
    }
    if model.configuration.architecture == .fasterRCNN {
      model.visitParameters(visit)
    } else {
      model.fast.visitParameters(visit)
    }
    return result
  }

  /// Writes `config.json` and `model.safetensors` of a Fast or Faster R-CNN model.
  public static func save(_ model: inout FasterRCNN, to folder: URL) throws {
    try save(configuration: model.configuration, tensors: weights(&model), to: folder)
  }

  /// The architecture named in a folder's `config.json`.
  public static func architecture(in folder: URL) throws -> DetectorArchitecture {
    let (url, data) = try configurationData(in: folder)
    struct Header: Decodable { var architecture: String }
    guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
      throw DetectorsError.malformedConfiguration(file: url.path, reason: "no architecture")
    }
    guard let architecture = DetectorArchitecture(rawValue: header.architecture) else {
      throw DetectorsError.unsupportedArchitecture(file: url.path, value: header.architecture)
    }
    return architecture
  }

  /// The ``FastRCNNConfiguration`` of a folder.
  public static func fastRCNNConfiguration(in folder: URL) throws -> FastRCNNConfiguration {
    try readConfiguration(FastRCNNConfiguration.self, in: folder)
  }

  /// Loads a Fast or Faster R-CNN model (a Fast R-CNN model has an untrained, unused RPN).
  public static func loadFasterRCNN(from folder: URL, configuration: FastRCNNConfiguration? = nil)
    throws -> FasterRCNN
  {
    let configuration = try configuration ?? fastRCNNConfiguration(in: folder)
    let url = folder.appendingPathComponent(weightsFile)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: weightsFile)
    }
    var model = FasterRCNN(configuration: configuration, seed: 0)
    let tensors = try SafeTensors.load(contentsOf: url)
    var expected = weights(&model)
    for (name, value) in expected {
      guard let tensor = tensors[name] else {
        throw NeuralNetError.missingTensor(file: url.path, tensor: name)
      }
      guard tensor.count == value.count else {
        throw NeuralNetError.shapeMismatch(
          file: url.path, tensor: name, expected: value.shape, found: tensor.shape)
      }
      expected[name] = tensor.reshaped(value.shape)
    }
    let assign: (String, inout Parameter) -> Void = { name, parameter in
      if let value = expected[name] { parameter.value = value }
    }
    if configuration.architecture == .fasterRCNN {
      model.visitParameters(assign)
    } else {
      model.fast.visitParameters(assign)
    }
    return model
  }

  /// Writes `checkpoint-N/` (weights, optimizer moments, trainer state) and `history.json`.
  public static func saveCheckpoint(
    _ model: inout FasterRCNN, optimizer: CheckpointedAdam, state: FastRCNNTrainerState,
    in folder: URL
  ) throws {
    let checkpoint = folder.appendingPathComponent("checkpoint-\(state.epoch)")
    try createDirectory(checkpoint)
    do {
      try SafeTensors.save(
        weights(&model), to: checkpoint.appendingPathComponent(weightsFile),
        metadata: ["format": "pt"])
      try SafeTensors.save(
        optimizer.stateTensors(), to: checkpoint.appendingPathComponent(optimizerFile))
    } catch {
      throw DetectorsError.unwritableFile(file: checkpoint.path, reason: "\(error)")
    }
    try writeJSON(state, to: checkpoint.appendingPathComponent(stateFile))
    try writeJSON(state.history, to: folder.appendingPathComponent("history.json"))
  }

  /// Loads `checkpoint-N/` of a Fast or Faster R-CNN folder.
  public static func loadFasterRCNNCheckpoint(
    _ checkpoint: URL, configuration: FastRCNNConfiguration
  ) throws -> (model: FasterRCNN, optimizer: CheckpointedAdam, state: FastRCNNTrainerState) {
    let model = try loadFasterRCNN(from: checkpoint, configuration: configuration)
    let state = try checkpointState(FastRCNNTrainerState.self, in: checkpoint)
    let optimizer = try checkpointOptimizer(
      in: checkpoint, learningRate: state.options.learningRate,
      weightDecay: state.options.weightDecay)
    return (model, optimizer, state)
  }
}
