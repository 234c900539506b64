import DetectorTraining
import Detectors
import NeuralNet
import RegionKitTestSupport
import Testing

@Suite(.tags(.slow)) struct ClassifyAndLocalizeTrainerTests {
  /// A tiny run: the training loss must fall clearly and localisation must beat the start.
  @Test(arguments: [BoxRegressionLoss.l1, .mse, .smoothL1(beta: 1.0 / 9)])
  func tinyRunLossFalls(boxLoss: BoxRegressionLoss) throws {
    let configuration = TinyShapes.configuration(boxLoss: boxLoss)
    let train = TinyShapes.set(count: 32, seed: 11, configuration: configuration)
    let trainer = ClassifyAndLocalizeTrainer(
      options: TrainingSettings(epochs: 10, batchSize: 8, learningRate: 0.01, seed: 1))
    var model = ClassifyAndLocalize(configuration: configuration, seed: 1)
    var optimizer = trainer.makeOptimizer()
    let before = try trainer.evaluate(&model, on: train)
    var records: [EpochRecord] = []
    for epoch in 1...10 {
      records.append(
        try trainer.trainEpoch(
          epoch, model: &model, optimizer: &optimizer, on: train, validation: train))
    }
    let first = try #require(records.first?.losses["total"])
    let last = try #require(records.last?.losses["total"])
    #expect(last < 0.7 * first, "loss \(first) -> \(last)")
    #expect(try #require(records.last?.losses["box"]) < #require(records.first?.losses["box"]))
    let final = try #require(records.last?.localization)
    #expect(final.meanIoU > before.meanIoU, "IoU \(before.meanIoU) -> \(final.meanIoU)")
    #expect(records.allSatisfy { $0.losses.values.allSatisfy(\.isFinite) })
    #expect(records.allSatisfy { $0.lossNames == ["classification", "box", "total"] })
  }

  @Test func scheduleWarmsUpThenDecays() throws {
    let trainer = ClassifyAndLocalizeTrainer(
      options: TrainingSettings(epochs: 4, batchSize: 10, learningRate: 1))
    let schedule = trainer.schedule(count: 20)  // 2 steps per epoch, 8 steps
    #expect(try abs(schedule.learningRate(at: 0, base: 1) - 0.1) < 1e-6)
    #expect(try abs(schedule.learningRate(at: 2, base: 1) - 1) < 1e-6)
    #expect(try schedule.learningRate(at: 7, base: 1) < 0.2)
  }

  /// Training 2 epochs, saving the optimizer's state, and resuming for 2 more with a fresh
  /// model and optimizer restored from that state equals 4 straight epochs.
  @Test func resumingBetweenEpochsEqualsStraightTraining() throws {
    let configuration = TinyShapes.configuration()
    let train = TinyShapes.set(count: 12, seed: 5)
    let trainer = ClassifyAndLocalizeTrainer(
      options: TrainingSettings(epochs: 4, batchSize: 6, learningRate: 0.01, seed: 2))
    var straight = ClassifyAndLocalize(configuration: configuration, seed: 2)
    var straightOptimizer = trainer.makeOptimizer()
    var saved: (weights: [String: Tensor], optimizer: [String: Tensor])?
    for epoch in 1...4 {
      _ = try trainer.trainEpoch(epoch, model: &straight, optimizer: &straightOptimizer, on: train)
      if epoch == 2 { saved = (straight.stateDict(), straightOptimizer.stateTensors()) }
    }
    let state = try #require(saved)
    var resumed = ClassifyAndLocalize(configuration: configuration, seed: 99)
    try resumed.loadStateDict(state.weights, source: "memory")
    var optimizer = trainer.makeOptimizer()
    try optimizer.restoreState(from: state.optimizer, source: "memory")
    for epoch in 3...4 {
      _ = try trainer.trainEpoch(epoch, model: &resumed, optimizer: &optimizer, on: train)
    }
    #expect(resumed.stateDict() == straight.stateDict())
  }
}
