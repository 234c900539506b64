import ArgumentParser
import Datasets
import Detectors
import Foundation
import Proposals

extension Train {
  /// `train --arch fast-rcnn|faster-rcnn`.
  func runFastRCNN() throws {
    let folder = URL(fileURLWithPath: output)
    let data = try Dataset.load(from: URL(fileURLWithPath: dataset), split: split)
    var configuration: FastRCNNConfiguration
    var options = TrainingOptions(
      epochs: epochs, batchSize: fast.imagesPerBatch, learningRate: learningRate,
      weightDecay: weightDecay, horizontalFlip: false, seed: seed)
    var checkpoint: (model: FasterRCNN, optimizer: CheckpointedAdam, state: FastRCNNTrainerState)?
    var validationShare = validationFraction
    if resume {
      configuration = try ModelFolder.fastRCNNConfiguration(in: folder)
      if let latest = ModelFolder.latestCheckpoint(in: folder) {
        checkpoint = try ModelFolder.loadFasterRCNNCheckpoint(
          latest.url, configuration: configuration)
        options = checkpoint!.state.options
        options.epochs = max(options.epochs, epochs)
        validationShare = checkpoint!.state.validationFraction
      }
    } else {
      configuration = FastRCNNConfiguration(
        architecture: arch, classes: data.categories.map(\.name),
        categoryIDs: data.categories.map(\.id))
      configuration.maxSide = fast.maxSide
      configuration.anchorSizes = try fast.sizes()
      configuration.pooling = fast.pooling
      configuration.roisPerImage = fast.roisPerImage
      configuration.backgroundLow = fast.backgroundLow
      configuration.rpnScoreThreshold = fast.rpnScoreThreshold
      configuration.maxProposals = fast.maxProposals ?? 500
      configuration.proposalMethod = arch == .fastRCNN ? fast.proposals.rawValue : "rpn"
      configuration.boxLoss =
        BoxRegressionLoss(parsing: boxLoss ?? "smooth-l1") ?? .smoothL1(beta: 1)
      configuration.boxWeight = boxWeight
      configuration.classificationWeight = classificationWeight
    }
    let (trainIndices, validationIndices) = FastRCNNTrainer.split(
      count: data.images.count, validationFraction: validationShare, seed: options.seed)
    let generator: (any ProposalGenerator)? =
      configuration.architecture == .fastRCNN
      ? FastRCNNTrainOptions.generator(
        ProposalMethod(rawValue: configuration.proposalMethod) ?? .selectiveSearch,
        top: configuration.maxProposals) : nil
    let prepareBar = ProgressBar(
      total: data.images.count,
      label: generator == nil ? "decode" : "decode+\(configuration.proposalMethod)",
      isEnabled: !noProgress)
    let train = try FastRCNNTrainer.prepare(
      dataset: data, images: trainIndices.map { data.images[$0] }, configuration: configuration,
      generator: generator
    ) { prepareBar.advance() }
    let validation = try FastRCNNTrainer.prepare(
      dataset: data, images: validationIndices.map { data.images[$0] },
      configuration: configuration, generator: generator
    ) { prepareBar.advance() }
    prepareBar.finish()
    let trainer = FastRCNNTrainer(options: options, architecture: configuration.architecture)
    var model = checkpoint?.model ?? FasterRCNN(configuration: configuration, seed: options.seed)
    var optimizer =
      checkpoint?.optimizer
      ?? CheckpointedAdam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    var history = checkpoint?.state.history ?? []
    let firstEpoch = (checkpoint?.state.epoch ?? 0) + 1
    if !resume || checkpoint == nil { try ModelFolder.save(&model, to: folder) }
    FileHandle.standardError.write(
      Data(
        ("train: \(train.count) images, validation: \(validation.count), classes: "
          + "\(configuration.classes.joined(separator: ", "))\n").utf8))
    guard firstEpoch <= options.epochs else {
      print("\(output): already trained for \(options.epochs) epochs; nothing to resume")
      return
    }
    let bar = ProgressBar(
      total: (options.epochs - firstEpoch + 1) * train.count, label: "train",
      isEnabled: !noProgress)
    for epoch in firstEpoch...options.epochs {
      var record = try trainer.trainEpoch(
        epoch, model: &model, optimizer: &optimizer, on: train
      ) { done, losses, lr in
        bar.advance(
          by: done,
          status: String(
            format: "cls %.3f box %.3f obj %.3f rpn-box %.3f lr %.2e", losses.classification,
            losses.box, losses.objectness, losses.rpnBox, lr))
      }
      if !validation.isEmpty {
        let metrics = try trainer.evaluate(model: model, samples: validation, dataset: data)
        record.validationAP50 = metrics.ap50
        record.validationAP = metrics.ap
        bar.advance(
          by: 0, status: String(format: "epoch %d validation AP50 %.3f", epoch, metrics.ap50))
      }
      history.append(record)
      let state = FastRCNNTrainerState(
        epoch: epoch, options: options, validationFraction: validationShare, history: history)
      try ModelFolder.saveCheckpoint(&model, optimizer: optimizer, state: state, in: folder)
      try ModelFolder.save(&model, to: folder)
    }
    bar.finish()
    let last = history.last!
    print(
      "\(output): \(configuration.architecture.rawValue) trained for \(options.epochs) epochs on "
        + "\(train.count) images; "
        + String(
          format: "loss cls %.4f box %.4f obj %.4f rpn-box %.4f", last.classificationLoss,
          last.boxLoss, last.objectnessLoss, last.rpnBoxLoss)
        + (last.validationAP50.map { String(format: "; validation AP50 %.3f", $0) } ?? ""))
  }
}
