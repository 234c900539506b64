import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@Suite struct ModelFolderTests {
  @Test func saveLoadRoundTripGivesSameOutputs() throws {
    let folder = try Fixtures.temporaryDirectory("model-folder")
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = TinyShapes.configuration(boxLoss: .smoothL1(beta: 0.25))
    configuration.classificationWeight = 0.3
    var model = ClassifyAndLocalize(configuration: configuration, seed: 4)
    model.setTraining(false)
    try ModelFolder.save(&model, to: folder)
    #expect(try ModelFolder.configuration(in: folder) == configuration)
    var loaded = try ModelFolder.loadClassifyAndLocalize(from: folder)
    loaded.setTraining(false)
    let images = TinyShapes.set(count: 2, seed: 1).batch([0, 1]).images
    #expect(loaded.forward(images) == model.forward(images))
    let json = try String(contentsOf: folder.appendingPathComponent("config.json"), encoding: .utf8)
    #expect(
      json.contains("\"architecture\" : \"classify-localize\"")
        && json.contains("normalized-cxcywh"))
  }

  /// Training 2 epochs, checkpointing, and resuming for 2 more equals 4 straight epochs.
  @Test func resumeFromCheckpointEqualsStraightTraining() throws {
    let folder = try Fixtures.temporaryDirectory("model-checkpoint")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = TinyShapes.configuration()
    let train = TinyShapes.set(count: 12, seed: 5)
    let options = TrainingOptions(epochs: 4, batchSize: 6, learningRate: 0.01, seed: 2)
    let trainer = ClassifyAndLocalizeTrainer(options: options)
    var straight = ClassifyAndLocalize(configuration: configuration, seed: 2)
    var straightOptimizer = trainer.makeOptimizer()
    var history: [EpochRecord] = []
    for epoch in 1...4 {
      history.append(
        trainer.trainEpoch(epoch, model: &straight, optimizer: &straightOptimizer, on: train))
      if epoch == 2 {
        let state = TrainerState(
          epoch: 2, options: options, validationFraction: 0, outlierFraction: 0, history: history)
        try ModelFolder.saveCheckpoint(
          &straight, optimizer: straightOptimizer, state: state, in: folder)
      }
    }
    let latest = try #require(ModelFolder.latestCheckpoint(in: folder))
    #expect(latest.epoch == 2)
    var (resumed, optimizer, state) = try ModelFolder.loadCheckpoint(
      latest.url, configuration: configuration)
    #expect(state.history.count == 2 && state.options == options)
    for epoch in 3...4 {
      _ = trainer.trainEpoch(epoch, model: &resumed, optimizer: &optimizer, on: train)
    }
    #expect(resumed.stateDict() == straight.stateDict())
  }

  @Test func missingAndForeignFoldersAreErrors() throws {
    let folder = try Fixtures.temporaryDirectory("model-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: DetectorsError.missingModelFile(folder: folder.path, file: "config.json")) {
      _ = try ModelFolder.configuration(in: folder)
    }
    try Data(#"{"architecture": "faster-rcnn"}"#.utf8).write(
      to: folder.appendingPathComponent("config.json"))
    #expect(
      throws: DetectorsError.unsupportedArchitecture(
        file: folder.appendingPathComponent("config.json").path, value: "faster-rcnn")
    ) {
      _ = try ModelFolder.configuration(in: folder)
    }
    #expect(ModelFolder.latestCheckpoint(in: folder) == nil)
  }
}
