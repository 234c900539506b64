import DetectorTraining
import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// `checkpoints/N/` of a model folder: saving, finding the latest complete one, reading its
/// state and restoring the optimizer and the weights.
@Suite(.tags(.slow)) struct CheckpointsTests {
  static func record(_ epoch: Int) -> EpochRecord {
    EpochRecord(
      epoch: epoch, losses: [("classification", 1.0 / Double(epoch)), ("box", 0.5)],
      learningRate: 1e-3, seconds: 2)
  }

  static func history(_ epochs: [Int]) -> [EpochRecord] { epochs.map(record) }

  static func state(_ epoch: Int) -> TrainerState {
    TrainerState(epoch: epoch, history: history(Array(1...epoch)))
  }

  /// Training 2 epochs, checkpointing, and resuming from the checkpoint for 2 more equals 4
  /// straight epochs; the checkpoint gives back its state, optimizer and weights.
  @Test func saveStateAndRestoreRoundTrip() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoints")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = TinyShapes.configuration()
    let train = TinyShapes.set(count: 12, seed: 5)
    let options = TrainingSettings(epochs: 4, batchSize: 6, learningRate: 0.01, seed: 2)
    let trainer = ClassifyAndLocalizeTrainer(options: options)
    let checkpoints = Checkpoints(folder: folder)
    #expect(checkpoints.latest == nil && checkpoints.epochs.isEmpty)
    var straight = ClassifyAndLocalize(configuration: configuration, seed: 2)
    var straightOptimizer = trainer.makeOptimizer()
    var history: [EpochRecord] = []
    var saved: TrainerState?
    for epoch in 1...4 {
      history.append(
        try trainer.trainEpoch(epoch, model: &straight, optimizer: &straightOptimizer, on: train))
      if epoch <= 2 {
        let state = TrainerState(epoch: epoch, history: history)
        try checkpoints.save(
          weights: straight.stateDict(), optimizer: straightOptimizer, state: state)
        saved = state
        #expect(try checkpoints.state(epoch: epoch) == state)
      }
      if epoch == 2 {
        var restored = trainer.makeOptimizer()
        try checkpoints.restore(&restored, epoch: 2) { straight.visitParameters($0) }
        #expect(restored.stateTensors() == straightOptimizer.stateTensors())
      }
    }
    #expect(checkpoints.epochs == [1, 2] && checkpoints.latest == 2)
    for file in ["model.safetensors", "optimizer.safetensors", "trainer_state.json"] {
      #expect(
        FileManager.default.fileExists(
          atPath: checkpoints.url(epoch: 2).appendingPathComponent(file).path), "\(file)")
    }
    // history.json next to config.json holds the history of the latest checkpoint.
    let historyFile = try Data(contentsOf: folder.appendingPathComponent("history.json"))
    #expect(try JSONDecoder().decode([EpochRecord].self, from: historyFile) == saved?.history)

    let latest = try #require(checkpoints.latest)
    let state = try checkpoints.state(epoch: latest)
    #expect(state.epoch == 2 && state.history.count == 2)
    var resumed = try DetectorModel.loadClassifyAndLocalize(
      from: checkpoints.url(epoch: latest), configuration: configuration)
    var optimizer = trainer.makeOptimizer()
    try checkpoints.restore(&optimizer, epoch: latest) { resumed.visitParameters($0) }
    for epoch in 3...4 {
      _ = try trainer.trainEpoch(epoch, model: &resumed, optimizer: &optimizer, on: train)
    }
    #expect(resumed.stateDict() == straight.stateDict())
  }

  /// Saving an epoch again replaces its checkpoint and leaves no temporary folder.
  @Test func savingAgainReplacesTheCheckpoint() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoints-again")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    let optimizer = Adam()
    try checkpoints.save(
      weights: ["w": Tensor(shape: [2], data: [1, 2])], optimizer: optimizer, state: Self.state(1))
    try checkpoints.save(
      weights: ["w": Tensor(shape: [2], data: [3, 4])], optimizer: optimizer, state: Self.state(1))
    let weights = try SafeTensors.load(
      contentsOf: checkpoints.url(epoch: 1).appendingPathComponent("model.safetensors"))
    #expect(weights == ["w": Tensor(shape: [2], data: [3, 4])])
    let names = try FileManager.default.contentsOfDirectory(atPath: checkpoints.directory.path)
    #expect(names == ["1"])
  }

  /// Only folders named by an epoch that hold `trainer_state.json` count.
  @Test func latestIgnoresIncompleteAndPartialFolders() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoints-latest")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    try checkpoints.save(weights: [:], optimizer: Adam(), state: Self.state(1))
    try checkpoints.save(weights: [:], optimizer: Adam(), state: Self.state(2))
    // A run killed while writing epoch 3 (no trainer_state.json yet) and one killed before
    // renaming epoch 4's temporary folder.
    let manager = FileManager.default
    try manager.createDirectory(
      at: checkpoints.url(epoch: 3), withIntermediateDirectories: true)
    try Data().write(
      to: checkpoints.url(epoch: 3).appendingPathComponent("model.safetensors"))
    let partial = checkpoints.directory.appendingPathComponent(".4.partial")
    try manager.createDirectory(at: partial, withIntermediateDirectories: true)
    try ModelFolder.writeJSON(
      Self.state(4), to: partial.appendingPathComponent("trainer_state.json"))
    // Names that are not an epoch.
    for name in ["05", "0", "-1", "notes", "7.bak"] {
      let url = checkpoints.directory.appendingPathComponent(name)
      try manager.createDirectory(at: url, withIntermediateDirectories: true)
      try ModelFolder.writeJSON(Self.state(5), to: url.appendingPathComponent("trainer_state.json"))
    }
    #expect(checkpoints.epochs == [1, 2])
    #expect(checkpoints.latest == 2)
    // Epochs sort as numbers, not as names.
    for epoch in [9, 10] {
      try checkpoints.save(weights: [:], optimizer: Adam(), state: Self.state(epoch))
    }
    #expect(checkpoints.epochs == [1, 2, 9, 10] && checkpoints.latest == 10)
  }

  /// A trainer state whose epoch is not positive, whose history does not have one record per
  /// epoch in order, or which is not the state of its folder is a malformed checkpoint.
  @Test(arguments: [
    TrainerState(epoch: 0, history: []),
    TrainerState(epoch: -2, history: []),
    TrainerState(epoch: 2, history: CheckpointsTests.history([1])),
    TrainerState(epoch: 2, history: CheckpointsTests.history([2, 1])),
    TrainerState(epoch: 2, history: CheckpointsTests.history([1, 2, 3])),
    TrainerState(epoch: 3, history: CheckpointsTests.history([1, 2, 3])),
  ])
  func badStatesAreMalformedCheckpoints(_ state: TrainerState) throws {
    let folder = try Fixtures.temporaryDirectory("checkpoints-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    try checkpoints.save(weights: [:], optimizer: Adam(), state: Self.state(2))
    let file = checkpoints.url(epoch: 2).appendingPathComponent("trainer_state.json")
    try ModelFolder.writeJSON(state, to: file)
    let error = #expect(throws: DetectorsError.self) { _ = try checkpoints.state(epoch: 2) }
    guard case .malformedCheckpoint(let path, _)? = error else {
      Issue.record("expected malformedCheckpoint, got \(String(describing: error))")
      return
    }
    #expect(path == file.path)
  }

  @Test func validStatesPassValidation() {
    #expect(throws: Never.self) {
      try Self.state(1).validate(file: "t.json")
      try Self.state(3).validate(file: "t.json")
    }
  }

  @Test func unreadableStatesAreMalformedCheckpoints() throws {
    let folder = try Fixtures.temporaryDirectory("checkpoints-unreadable")
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = Checkpoints(folder: folder)
    try checkpoints.save(weights: [:], optimizer: Adam(), state: Self.state(1))
    let file = checkpoints.url(epoch: 1).appendingPathComponent("trainer_state.json")
    for text in ["{", #"{"epoch": 1}"#, #"{"epoch": "one", "history": []}"#] {
      try Data(text.utf8).write(to: file)
      let error = #expect(throws: DetectorsError.self) { _ = try checkpoints.state(epoch: 1) }
      guard case .malformedCheckpoint(let path, _)? = error else {
        Issue.record("\(text): expected malformedCheckpoint, got \(String(describing: error))")
        continue
      }
      #expect(path == file.path)
    }
    // A missing optimizer state is NeuralNet's file error.
    try FileManager.default.removeItem(
      at: checkpoints.url(epoch: 1).appendingPathComponent("optimizer.safetensors"))
    var optimizer = Adam()
    let error = #expect(throws: NeuralNetError.self) {
      try checkpoints.restore(&optimizer, epoch: 1) { _ in }
    }
    guard case .unreadableFile(let path, _)? = error else {
      Issue.record("expected unreadableFile, got \(String(describing: error))")
      return
    }
    #expect(path.hasSuffix("checkpoints/1/optimizer.safetensors"))
  }
}
