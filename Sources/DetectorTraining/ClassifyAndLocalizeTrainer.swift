import Boxes
import Detectors
import Foundation
import NeuralNet

/// Trains a ``/Detectors/ClassifyAndLocalize`` model with ``/Detectors/classifyAndLocalizeLoss(logits:labels:boxes:targets:hasBox:boxLoss:classificationWeight:boxWeight:)``
/// and Adam, one epoch at a time, so callers can checkpoint and resume between epochs.
///
/// Each epoch shuffles the training set with a generator seeded by `(seed, epoch)` and draws
/// the flips from it, and the learning rate is a function of the global step, so resuming after
/// epoch *k* gives the same model as training straight through.
///
///     let trainer = ClassifyAndLocalizeTrainer(options: TrainingSettings(epochs: 30))
///     var model = ClassifyAndLocalize(configuration: configuration, seed: 0)
///     var optimizer = trainer.makeOptimizer()
///     for epoch in 1...trainer.options.epochs {
///       let record = trainer.trainEpoch(epoch, model: &model, optimizer: &optimizer, on: train, validation: validation)
///     }
public struct ClassifyAndLocalizeTrainer: Sendable {
  /// The schedule, batch size, augmentation and seed.
  public var options: TrainingSettings

  /// Creates a trainer.
  public init(options: TrainingSettings) {
    self.options = options
  }

  /// A fresh optimizer with the options' learning rate and weight decay.
  public func makeOptimizer() -> Adam {
    Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
  }

  /// Steps per epoch for a training set of `count` samples (the last batch may be short).
  public func stepsPerEpoch(count: Int) -> Int {
    (count + options.batchSize - 1) / options.batchSize
  }

  /// The learning-rate schedule: one epoch of linear warm-up from 10 %, then cosine decay to
  /// 1 % of the peak over the remaining steps.
  public func schedule(count: Int) -> LearningRateSchedule {
    let perEpoch = stepsPerEpoch(count: count)
    let total = perEpoch * options.epochs
    return .linearWarmup(
      steps: perEpoch, startFactor: 0.1,
      then: .cosine(totalSteps: max(total - perEpoch, 1), minimum: options.learningRate * 0.01))
  }

  /// Trains one epoch and evaluates on `validation`.
  ///
  /// - Parameters:
  ///   - epoch: The epoch number, from 1 (it seeds the shuffle and sets the schedule's step).
  ///   - model: The model, updated in place.
  ///   - optimizer: The optimizer, updated in place.
  ///   - train: The training samples (all of them boxed unless the model has background).
  ///   - validation: Samples to evaluate after the epoch. Default: nil.
  ///   - onStep: Called after each step with the batch size. Default: none.
  /// - Returns: Mean losses and validation metrics.
  /// - Throws: Decoding errors of a streamed set's images.
  /// - Complexity: one forward and backward pass per training image; a streamed set's
  ///   batches are decoded on another thread, two ahead.
  public func trainEpoch(
    _ epoch: Int, model: inout ClassifyAndLocalize, optimizer: inout Adam,
    on train: LocalizationSet, validation: LocalizationSet? = nil, onStep: ((Int) -> Void)? = nil
  ) throws -> EpochRecord {
    let start = Date()
    let configuration = model.configuration
    var random = SplitMix64(seed: options.seed &+ 0x5851_F42D_4C95_7F2D &* UInt64(epoch))
    var order = Array(train.samples.indices)
    order.shuffle(using: &random)
    let schedule = schedule(count: train.samples.count)
    let perEpoch = stepsPerEpoch(count: train.samples.count)
    var sums = (total: 0.0, classification: 0.0, box: 0.0)
    var rate = optimizer.learningRate
    model.setTraining(true)
    let batches = stride(from: 0, to: order.count, by: options.batchSize).map {
      Array(order[$0..<min($0 + options.batchSize, order.count)])
    }
    let flips = batches.map { $0.map { _ in options.horizontalFlip && random.next() & 1 == 1 } }
    let loader = PrefetchingLoader(count: batches.count) { step in
      try train.batch(batches[step], flipped: flips[step])
    }
    for step in batches.indices {
      guard let batch = try loader.next() else { break }
      let indices = batches[step]
      let (logits, boxes) = model.split(model.forward(batch.images))
      let loss = classifyAndLocalizeLoss(
        logits: logits, labels: batch.labels, boxes: boxes, targets: batch.targets,
        hasBox: batch.hasBox, boxLoss: configuration.boxLoss,
        classificationWeight: configuration.classificationWeight, boxWeight: configuration.boxWeight
      )
      model.backward(loss)
      rate = try schedule.learningRate(
        at: (epoch - 1) * perEpoch + step, base: options.learningRate)
      optimizer.learningRate = rate
      optimizer.step(&model)
      model.zeroGradients()
      sums.total += Double(loss.total)
      sums.classification += Double(loss.classification)
      sums.box += Double(loss.box)
      onStep?(indices.count)
    }
    let steps = Double(max(perEpoch, 1))
    let seconds = Date().timeIntervalSince(start)
    return EpochRecord(
      epoch: epoch,
      losses: [
        ("classification", sums.classification / steps), ("box", sums.box / steps),
        ("total", sums.total / steps),
      ], learningRate: Double(rate), seconds: seconds,
      localization: try validation.map { try evaluate(&model, on: $0) })
  }

  /// Predicts every sample of `set` in evaluation mode (batch-norm running statistics).
  public func predict(_ model: inout ClassifyAndLocalize, on set: LocalizationSet) throws
    -> [ClassifyAndLocalize.Prediction]
  {
    model.setTraining(false)
    var predictions: [ClassifyAndLocalize.Prediction] = []
    for start in stride(from: 0, to: set.samples.count, by: 32) {
      let indices = Array(start..<min(start + 32, set.samples.count))
      predictions += model.predictions(model.forward(try set.batch(indices).images))
    }
    return predictions
  }

  /// Scores the model on `set`.
  public func evaluate(_ model: inout ClassifyAndLocalize, on set: LocalizationSet) throws
    -> LocalizationMetrics
  {
    LocalizationMetrics(
      predictions: try predict(&model, on: set), samples: set.samples,
      includesBackground: model.configuration.includesBackground)
  }
}
