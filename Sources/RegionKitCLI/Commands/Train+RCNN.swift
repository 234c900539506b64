import ArgumentParser
import Datasets
import Detectors
import Foundation
import NeuralNet

extension RCNNBackend: ExpressibleByArgument {}

extension Train {
  /// `train --arch rcnn`: proposals for every image, then the chosen backend, then the
  /// validation AP50.
  func runRCNN() throws {
    let folder = URL(fileURLWithPath: output)
    let data = try Dataset.load(from: URL(fileURLWithPath: dataset), split: split)
    let threads = ProcessInfo.processInfo.activeProcessorCount
    var configuration = RCNNConfiguration(
      backend: classifier, classes: data.categories.map(\.name),
      categoryIDs: data.categories.map(\.id), inputSize: cropSize,
      maxProposals: fast.maxProposals ?? 2000)
    var checkpoint:
      (
        model: CNNRegionClassifier, optimizer: CheckpointedAdam,
        state: RCNNModelFolder.CheckpointState
      )?
    var validationShare = validationFraction
    var (epochCount, rate, decay, batch, seedValue) = (
      epochs, learningRate, weightDecay, batchSize, seed
    )
    if resume {
      // A run stopped before its end has config.json in its checkpoints only.
      let latest = ModelFolder.latestCheckpoint(in: folder)?.url
      let hasTopLevel = FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("config.json").path)
      configuration = try RCNNModelFolder.configuration(
        in: hasTopLevel ? folder : (latest ?? folder))
      guard configuration.classes == data.categories.map(\.name) else {
        throw DetectorsError.classMismatch(
          file: folder.appendingPathComponent("config.json").path,
          expected: configuration.classes, found: data.categories.map(\.name))
      }
      guard configuration.backend == .cnn else {
        throw ValidationError("--resume needs a cnn model; hog-svm trains in one go")
      }
      checkpoint = try RCNNModelFolder.loadLatestCheckpoint(
        in: folder, configuration: configuration)
      if let state = checkpoint?.state {
        (rate, decay, batch, seedValue) = (
          state.learningRate, state.weightDecay, state.batchSize, state.seed
        )
        epochCount = max(state.epochs, epochs)
        validationShare = state.validationFraction
      }
    }
    let (trainIndices, validationIndices) = RCNNRunner.split(
      count: data.images.count, validationFraction: validationShare, seed: seedValue)
    let proposalBar = ProgressBar(
      total: trainIndices.count, label: "proposals", isEnabled: !noProgress)
    let start = Date()
    let images = try RCNNTrainer.trainingImages(
      dataset: data, indices: trainIndices,
      proposalGenerator: RCNN.defaultProposalGenerator(threads: 1),
      maxProposals: configuration.maxProposals, threads: threads
    ) { proposalBar.advance() }
    proposalBar.finish()
    let trainer = RCNNTrainer(configuration: configuration, seed: seedValue, threads: threads)
    let classifierModel: any RegionClassifier
    var summary: String
    switch configuration.backend {
    case .hogSVM:
      FileHandle.standardError.write(Data("hog-svm: HOG features and hard-negative mining\n".utf8))
      let (hogClassifier, report) = try trainer.trainHOGSVM(images)
      try RCNNModelFolder.save(
        configuration: configuration, tensors: RCNNModelFolder.tensors(of: hogClassifier),
        to: folder)
      classifierModel = hogClassifier
      summary =
        "positives per class \(report.positives), mined negatives per round "
        + "\(report.mining.map(\.added)), regression samples \(report.regressionSamples)"
    case .cnn:
      let pool = try trainer.regionPool(images)
      var model = checkpoint?.model ?? RCNNModelFolder.makeCNN(configuration, seed: seedValue)
      var optimizer =
        checkpoint?.optimizer ?? CheckpointedAdam(learningRate: rate, weightDecay: decay)
      var history = checkpoint?.state.history ?? []
      let first = (checkpoint?.state.epoch ?? 0) + 1
      if checkpoint == nil {
        try RCNNModelFolder.save(
          configuration: configuration, tensors: model.stateDict(), to: folder)
      }
      FileHandle.standardError.write(
        Data(
          ("cnn: \(pool.count) regions (\(pool.foregroundCount) foreground) from "
            + "\(images.count) images; validation \(validationIndices.count) images\n").utf8))
      if first <= epochCount {
        let bar = ProgressBar(
          total: (epochCount - first + 1) * pool.count, label: "train", unit: "regions",
          isEnabled: !noProgress)
        for epoch in first...epochCount {
          let losses = trainer.trainEpoch(
            epoch, epochs: epochCount, model: &model, optimizer: &optimizer, pool: pool,
            batchSize: batch, learningRate: rate
          ) { count, ce, box, lr in
            bar.advance(
              by: count,
              status: String(
                format: "epoch %d ce %.3f box %.3f lr %.2g", epoch, ce, box,
                lr))
          }
          history.append([losses.classification, losses.box])
          let state = RCNNModelFolder.CheckpointState(
            epoch: epoch, epochs: epochCount, learningRate: rate, weightDecay: decay,
            batchSize: batch, seed: seedValue, validationFraction: validationShare,
            history: history)
          try RCNNModelFolder.saveCheckpoint(
            &model, optimizer: optimizer, state: state, configuration: configuration, in: folder)
        }
        bar.finish()
      }
      try RCNNModelFolder.save(
        configuration: configuration, tensors: model.stateDict(), to: folder)
      classifierModel = model
      let last = history.last ?? [0, 0]
      summary = String(format: "last epoch: ce %.4f, box %.4f", last[0], last[1])
    }
    let trainSeconds = Date().timeIntervalSince(start)
    let rcnn = RCNNRunner.pipeline(configuration, classifier: classifierModel)
    let validationBar = ProgressBar(
      total: validationIndices.count, label: "validate", isEnabled: !noProgress)
    let validation = try RCNNRunner.validationAP50(
      rcnn, configuration: configuration, dataset: data, indices: validationIndices,
      threads: threads
    ) { validationBar.advance() }
    validationBar.finish()
    let result: [String: Double] = [
      "validation_ap50": validation.ap50, "train_seconds": trainSeconds,
      "validation_images": Double(validationIndices.count),
      "train_images": Double(trainIndices.count),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(result).write(to: folder.appendingPathComponent("validation.json"))
    print(
      "\(output): rcnn \(configuration.backend.rawValue) trained on \(trainIndices.count) images "
        + String(format: "in %.0f s", trainSeconds) + "; \(summary); "
        + String(
          format: "validation AP50 %.4f on %d images", validation.ap50, validationIndices.count))
  }
}
