import Detectors
import Testing

@Suite struct ClassifyAndLocalizeTrainerTests {
  /// A tiny run: the training loss must fall clearly and localisation must beat the start.
  @Test(arguments: [BoxRegressionLoss.l1, .mse, .smoothL1(beta: 1.0 / 9)])
  func tinyRunLossFalls(boxLoss: BoxRegressionLoss) {
    let configuration = TinyShapes.configuration(boxLoss: boxLoss)
    let train = TinyShapes.set(count: 32, seed: 11, configuration: configuration)
    let trainer = ClassifyAndLocalizeTrainer(
      options: TrainingOptions(epochs: 10, batchSize: 8, learningRate: 0.01, seed: 1))
    var model = ClassifyAndLocalize(configuration: configuration, seed: 1)
    var optimizer = trainer.makeOptimizer()
    let before = trainer.evaluate(&model, on: train)
    var records: [EpochRecord] = []
    for epoch in 1...10 {
      records.append(
        trainer.trainEpoch(
          epoch, model: &model, optimizer: &optimizer, on: train, validation: train))
    }
    let first = records.first!.trainLoss, last = records.last!.trainLoss
    #expect(last < 0.7 * first, "loss \(first) -> \(last)")
    #expect(records.last!.trainBoxLoss < records.first!.trainBoxLoss)
    #expect(
      records.last!.validation!.meanIoU > before.meanIoU,
      "IoU \(before.meanIoU) -> \(records.last!.validation!.meanIoU)")
    #expect(records.allSatisfy { $0.trainLoss.isFinite })
  }

  @Test func scheduleWarmsUpThenDecays() {
    let trainer = ClassifyAndLocalizeTrainer(
      options: TrainingOptions(epochs: 4, batchSize: 10, learningRate: 1))
    let schedule = trainer.schedule(count: 20)  // 2 steps per epoch, 8 steps
    #expect(abs(schedule.learningRate(at: 0, base: 1) - 0.1) < 1e-6)
    #expect(abs(schedule.learningRate(at: 2, base: 1) - 1) < 1e-6)
    #expect(schedule.learningRate(at: 7, base: 1) < 0.2)
  }
}
