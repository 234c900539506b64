import Foundation
import NeuralNet

/// Reads and writes a detector's model folder.
///
/// Layout (shared by every architecture):
///
///     model/
///       config.json            architecture, classes, input size, normalisation, loss settings
///       model.safetensors      weights and buffers, PyTorch-style names
///       history.json           one EpochRecord per epoch
///       checkpoint-N/          after epoch N: model.safetensors, optimizer.safetensors
///                              (Adam moments exp_avg.*, exp_avg_sq.*, step.*), trainer_state.json
///
///     try ModelFolder.save(&model, to: folder)
///     var model = try ModelFolder.loadClassifyAndLocalize(from: folder)
public enum ModelFolder {
  static let configurationFile = "config.json"
  static let weightsFile = "model.safetensors"
  static let optimizerFile = "optimizer.safetensors"
  static let stateFile = "trainer_state.json"

  /// Writes `config.json` and `model.safetensors` into `folder` (created when missing).
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func save(_ model: inout ClassifyAndLocalize, to folder: URL) throws {
    try save(configuration: model.configuration, tensors: model.stateDict(), to: folder)
  }

  /// Writes `config.json` (`configuration`) and `model.safetensors` (`tensors`, PyTorch-style
  /// names) into `folder` (created when missing): the one writer of every architecture.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  static func save<Configuration: Encodable>(
    configuration: Configuration, tensors: [String: Tensor], to folder: URL
  ) throws {
    try createDirectory(folder)
    try writeJSON(configuration, to: folder.appendingPathComponent(configurationFile))
    let url = folder.appendingPathComponent(weightsFile)
    do {
      try SafeTensors.save(tensors, to: url, metadata: ["format": "pt"])
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: "\(error)")
    }
  }

  /// The URL and bytes of `folder/config.json`.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)``.
  static func configurationData(in folder: URL) throws -> (url: URL, data: Data) {
    let url = folder.appendingPathComponent(configurationFile)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: configurationFile)
    }
    return (url, data)
  }

  /// Decodes `config.json` of `folder` as `type`.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)`` or
  ///   ``DetectorsError/malformedConfiguration(file:reason:)``.
  static func readConfiguration<Configuration: Decodable>(
    _ type: Configuration.Type, in folder: URL
  ) throws -> Configuration {
    let (url, data) = try configurationData(in: folder)
    return try decodeConfiguration(type, from: data, url: url)
  }

  private static func decodeConfiguration<Configuration: Decodable>(
    _ type: Configuration.Type, from data: Data, url: URL
  ) throws -> Configuration {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch {
      throw DetectorsError.malformedConfiguration(file: url.path, reason: "\(error)")
    }
  }

  /// Reads the configuration of a model folder.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)``,
  ///   ``DetectorsError/malformedConfiguration(file:reason:)`` or
  ///   ``DetectorsError/unsupportedArchitecture(file:value:)``.
  public static func configuration(in folder: URL) throws -> ClassifyAndLocalizeConfiguration {
    let (url, data) = try configurationData(in: folder)
    struct Header: Decodable { var architecture: String }
    if let header = try? JSONDecoder().decode(Header.self, from: data),
      DetectorArchitecture(rawValue: header.architecture) != .classifyLocalize
    {
      throw DetectorsError.unsupportedArchitecture(file: url.path, value: header.architecture)
    }
    return try decodeConfiguration(ClassifyAndLocalizeConfiguration.self, from: data, url: url)
  }

  /// Loads a ``ClassifyAndLocalize`` model (configuration and weights) from `folder`, or from
  /// a `checkpoint-N` folder inside it.
  ///
  /// - Throws: ``DetectorsError`` for a missing or malformed configuration,
  ///   ``/NeuralNet/NeuralNetError`` for missing or mis-shaped weights.
  public static func loadClassifyAndLocalize(
    from folder: URL, configuration: ClassifyAndLocalizeConfiguration? = nil
  ) throws -> ClassifyAndLocalize {
    let configuration = try configuration ?? self.configuration(in: folder)
    let url = folder.appendingPathComponent(weightsFile)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: weightsFile)
    }
    var model = ClassifyAndLocalize(configuration: configuration, seed: 0)
    try model.loadStateDict(SafeTensors.load(contentsOf: url), source: url.path)
    return model
  }

  /// Writes `checkpoint-<epoch>/` with weights, optimizer state and trainer state, and
  /// `history.json` next to it.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func saveCheckpoint(
    _ model: inout ClassifyAndLocalize, optimizer: CheckpointedAdam, state: TrainerState,
    in folder: URL
  ) throws {
    let checkpoint = folder.appendingPathComponent("checkpoint-\(state.epoch)")
    try createDirectory(checkpoint)
    let weights = checkpoint.appendingPathComponent(weightsFile)
    let moments = checkpoint.appendingPathComponent(optimizerFile)
    do {
      try SafeTensors.save(model.stateDict(), to: weights, metadata: ["format": "pt"])
      try SafeTensors.save(optimizer.stateTensors(), to: moments)
    } catch {
      throw DetectorsError.unwritableFile(file: checkpoint.path, reason: "\(error)")
    }
    try writeJSON(state, to: checkpoint.appendingPathComponent(stateFile))
    try writeJSON(state.history, to: folder.appendingPathComponent("history.json"))
  }

  /// The checkpoint with the highest epoch in `folder`, or nil when there is none.
  public static func latestCheckpoint(in folder: URL) -> (url: URL, epoch: Int)? {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    let epochs = names.compactMap { name -> Int? in
      guard name.hasPrefix("checkpoint-") else { return nil }
      return Int(name.dropFirst("checkpoint-".count))
    }
    guard let epoch = epochs.max() else { return nil }
    return (folder.appendingPathComponent("checkpoint-\(epoch)"), epoch)
  }

  /// Loads a checkpoint written by ``saveCheckpoint(_:optimizer:state:in:)-(_,_,TrainerState,_)``.
  ///
  /// - Parameters:
  ///   - checkpoint: The `checkpoint-N` folder.
  ///   - configuration: The model's configuration (from the model folder).
  /// - Throws: ``DetectorsError/malformedCheckpoint(file:reason:)`` and weight-loading errors.
  public static func loadCheckpoint(
    _ checkpoint: URL, configuration: ClassifyAndLocalizeConfiguration
  ) throws -> (model: ClassifyAndLocalize, optimizer: CheckpointedAdam, state: TrainerState) {
    let model = try loadClassifyAndLocalize(from: checkpoint, configuration: configuration)
    let state = try checkpointState(TrainerState.self, in: checkpoint)
    let optimizer = try checkpointOptimizer(
      in: checkpoint, learningRate: state.options.learningRate,
      weightDecay: state.options.weightDecay)
    return (model, optimizer, state)
  }

  /// The trainer state (`trainer_state.json`) of a `checkpoint-N/` folder.
  ///
  /// - Throws: ``DetectorsError/malformedCheckpoint(file:reason:)`` naming the file.
  static func checkpointState<State: Decodable>(_ type: State.Type, in checkpoint: URL) throws
    -> State
  {
    let url = checkpoint.appendingPathComponent(stateFile)
    do {
      return try JSONDecoder().decode(State.self, from: Data(contentsOf: url))
    } catch {
      throw DetectorsError.malformedCheckpoint(file: url.path, reason: "\(error)")
    }
  }

  /// The Adam optimizer with the moments saved in a `checkpoint-N/` folder.
  static func checkpointOptimizer(
    in checkpoint: URL, learningRate: Float, weightDecay: Float
  ) throws -> CheckpointedAdam {
    let url = checkpoint.appendingPathComponent(optimizerFile)
    return try CheckpointedAdam(
      learningRate: learningRate, weightDecay: weightDecay,
      restoring: SafeTensors.load(contentsOf: url), source: url.path)
  }

  static func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: error.localizedDescription)
    }
  }

  static func writeJSON<Value: Encodable>(_ value: Value, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try encoder.encode(value).write(to: url, options: .atomic)
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: error.localizedDescription)
    }
  }
}
