import Detectors
import Foundation
import NeuralNet

/// The one checkpoint mechanism of every trainer: `checkpoints/N/` in a model folder, with
/// `model.safetensors` (the weights after epoch N, PyTorch-style names),
/// `optimizer.safetensors` (the optimizer's state, ``/NeuralNet/CheckpointableOptimizer/stateTensors()``)
/// and `trainer_state.json` (``TrainerState``); `history.json` next to `config.json`.
///
///     let checkpoints = Checkpoints(folder: modelFolder)
///     try checkpoints.save(weights: model.stateDict(), optimizer: adam, state: state)
///     if let latest = checkpoints.latest {
///       let resumed = try checkpoints.resume(
///         epoch: latest, optimizer: &adam,
///         load: { try DetectorModel.loadClassifyAndLocalize(from: $0, configuration: c) },
///         parameters: { $0.visitParameters($1) })
///     }
///
/// Everything read back is checked: `trainer_state.json` (``TrainerState/validate(file:)``:
/// the folder's epoch, one history record per epoch, every loss, rate and metric in range,
/// errors naming the file and the key) and the optimizer's state (each tensor names a
/// parameter the optimizer steps, with its shape; errors naming `optimizer.safetensors` and
/// the tensor).
///
/// Each file is written under a temporary name and renamed, and the checkpoint folder itself
/// is written under a temporary name first, so a killed run leaves the previous checkpoint
/// intact.
public struct Checkpoints: Sendable {
  /// The model folder.
  public var folder: URL

  /// Checkpoints of the model folder `folder`.
  public init(folder: URL) {
    self.folder = folder
  }

  /// `checkpoints/` inside the model folder.
  public var directory: URL { folder.appendingPathComponent("checkpoints") }

  /// The folder of the checkpoint after `epoch`.
  public func url(epoch: Int) -> URL { directory.appendingPathComponent("\(epoch)") }

  /// The epochs that have a complete checkpoint, ascending.
  public var epochs: [Int] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.compactMap { name in
      guard let epoch = Int(name), epoch >= 1, String(epoch) == name else { return nil }
      let state = url(epoch: epoch).appendingPathComponent("trainer_state.json")
      return FileManager.default.fileExists(atPath: state.path) ? epoch : nil
    }.sorted()
  }

  /// The latest complete checkpoint's epoch, nil when there is none.
  public var latest: Int? { epochs.last }

  /// Writes `checkpoints/<state.epoch>/` and `history.json`.
  ///
  /// - Throws: ``/Detectors/DetectorsError/unwritableFile(file:reason:)``.
  public func save(
    weights: [String: Tensor], optimizer: some CheckpointableOptimizer, state: TrainerState
  ) throws {
    let final = url(epoch: state.epoch)
    let partial = directory.appendingPathComponent(".\(state.epoch).partial")
    try? FileManager.default.removeItem(at: partial)
    try ModelFolder.createDirectory(partial)
    try ModelFolder.writeTensors(
      weights, to: partial.appendingPathComponent(ModelFolder.weightsFile))
    try ModelFolder.writeTensors(
      optimizer.stateTensors(), to: partial.appendingPathComponent("optimizer.safetensors"))
    try ModelFolder.writeJSON(state, to: partial.appendingPathComponent("trainer_state.json"))
    try? FileManager.default.removeItem(at: final)
    do {
      try FileManager.default.moveItem(at: partial, to: final)
    } catch {
      throw DetectorsError.unwritableFile(file: final.path, reason: error.localizedDescription)
    }
    try ModelFolder.writeJSON(state.history, to: folder.appendingPathComponent("history.json"))
  }

  /// The trainer state of the checkpoint after `epoch`, validated.
  ///
  /// - Throws: ``/Detectors/DetectorsError/malformedCheckpoint(file:reason:)`` naming the file.
  public func state(epoch: Int) throws -> TrainerState {
    let file = url(epoch: epoch).appendingPathComponent("trainer_state.json")
    guard let data = FileManager.default.contents(atPath: file.path) else {
      throw DetectorsError.malformedCheckpoint(file: file.path, reason: "the file is missing")
    }
    let state: TrainerState
    do {
      state = try JSONDecoder().decode(TrainerState.self, from: data)
    } catch {
      throw DetectorsError.malformedCheckpoint(file: file.path, reason: "\(error)")
    }
    guard state.epoch == epoch else {
      throw DetectorsError.malformedCheckpoint(
        file: file.path, reason: "it says epoch \(state.epoch), its folder \(epoch)")
    }
    try state.validate(file: file.path)
    return state
  }

  /// Restores `optimizer`'s state from the checkpoint after `epoch`.
  ///
  /// - Throws: NeuralNet's file and state errors naming `optimizer.safetensors`.
  public func restore(_ optimizer: inout some CheckpointableOptimizer, epoch: Int) throws {
    let file = url(epoch: epoch).appendingPathComponent("optimizer.safetensors")
    try optimizer.restoreState(from: SafeTensors.load(contentsOf: file), source: file.path)
  }

  /// Restores `optimizer` from the checkpoint after `epoch`, checked against the parameters
  /// it will step: every tensor of the state names one of them, with its shape.
  ///
  /// - Parameters:
  ///   - optimizer: The optimizer, unchanged on error.
  ///   - epoch: The checkpoint's epoch.
  ///   - parameters: Visits the parameters the optimizer steps, by the names it uses
  ///     (`{ model.visitParameters($0) }`).
  /// - Throws: NeuralNet's file and state errors naming `optimizer.safetensors` and the tensor,
  ///   such as ``/NeuralNet/NeuralNetError/shapeMismatch(file:tensor:expected:found:)``.
  public func restore(
    _ optimizer: inout some CheckpointableOptimizer, epoch: Int,
    parameters: ((String, inout Parameter) -> Void) -> Void
  ) throws {
    let file = url(epoch: epoch).appendingPathComponent("optimizer.safetensors")
    try optimizer.restoreState(
      from: SafeTensors.load(contentsOf: file), for: NamedParameters(parameters),
      source: file.path)
  }

  /// Resumes from the checkpoint after `epoch`: its state (validated), its model (from
  /// `load`, given the checkpoint's folder) and `optimizer`'s state, checked against the
  /// parameters of the model it steps.
  ///
  /// - Parameters:
  ///   - epoch: The checkpoint's epoch.
  ///   - optimizer: The optimizer, restored in place.
  ///   - load: Loads the model from a folder holding `model.safetensors`.
  ///   - parameters: Visits the parameters of the loaded model that the optimizer steps.
  /// - Returns: The model and the history up to `epoch`.
  /// - Throws: The errors of ``state(epoch:)``, `load`, and ``restore(_:epoch:parameters:)``,
  ///   each naming the file at fault.
  public func resume<Model>(
    epoch: Int, optimizer: inout some CheckpointableOptimizer, load: (URL) throws -> Model,
    parameters: (inout Model, (String, inout Parameter) -> Void) -> Void
  ) throws -> (model: Model, history: [EpochRecord]) {
    let history = try state(epoch: epoch).history
    var model = try load(url(epoch: epoch))
    var named: [(name: String, parameter: Parameter)] = []
    parameters(&model) { named.append(($0, $1)) }
    try restore(&optimizer, epoch: epoch) { visit in
      for index in named.indices { visit(named[index].name, &named[index].parameter) }
    }
    return (model, history)
  }
}
