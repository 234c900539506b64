import Boxes
import Datasets
import Detectors
import Foundation
import Imaging
import NeuralNet

/// Trains ``/Detectors/FastRCNN`` and ``/Detectors/FasterRCNN``: minibatches of
/// `training.batchSize` images (2 as the paper), each image's loss weighted 1/batchSize, Adam
/// with a cosine decay from the learning rate to 5% of it over all steps.
///
/// Images are streamed: ``prepare(dataset:images:configuration:proposals:skipMissing:onImage:)`` keeps only
/// each image's objects and (Fast R-CNN) proposals, in the dataset's pixels, and every
/// minibatch is decoded, resized (with the seeded scale jitter), mirrored (seeded flips) and
/// normalised on another thread while the previous one trains. The images of a minibatch run
/// one after the other, so a run is bit-identical for a seed on any machine with the same BLAS.
public struct FastRCNNTrainer: Sendable {
  /// One training or validation image: where it is, its objects and its proposals, boxes in
  /// the dataset's pixels.
  public struct Sample: Sendable {
    /// The dataset's image id.
    public var imageID: Int
    /// The image file.
    public var url: URL
    /// The dataset's width and height of the image.
    public var width: Int, height: Int
    /// Usable objects (non-crowd, finite, non-degenerate, clipped) with 0-based labels.
    public var objects: [(box: Box, label: Int)]
    /// Fast R-CNN: the proposals, best first.
    public var proposals: [Box]
  }

  /// The model and training settings.
  public var configuration: FastRCNNConfiguration

  /// Creates a trainer.
  public init(configuration: FastRCNNConfiguration) {
    self.configuration = configuration
  }

  var options: TrainingSettings { configuration.training }
  var architecture: DetectorArchitecture { configuration.architecture }

  /// Reads the objects of `images` and, for Fast R-CNN, their proposals: a generator runs on
  /// each image resized as the network sees it; a file's proposals are matched by name.
  ///
  /// - Parameters:
  ///   - dataset: The dataset the images belong to.
  ///   - images: The images to read.
  ///   - configuration: The model's settings (input size, proposals kept).
  ///   - proposals: Fast R-CNN's proposal source; nil for Faster R-CNN.
  ///   - skipMissing: Leave out images a proposals file has nothing for, instead of throwing.
  ///   - onImage: Called after each image.
  /// - Returns: The samples, and the names of the images left out.
  public static func prepare(
    dataset: Dataset, images: [DatasetImage], configuration: FastRCNNConfiguration,
    proposals: ProposalSource?, skipMissing: Bool = false, onImage: () -> Void = {}
  ) throws -> (samples: [Sample], skipped: [String]) {
    var samples: [Sample] = [], skipped: [String] = []
    for item in images {
      defer { onImage() }
      let url = dataset.url(of: item)
      let (width, height) = (Float(item.width), Float(item.height))
      let objects = item.annotations.compactMap { a -> (box: Box, label: Int)? in
        guard !a.isCrowd, a.box.isFinite, !a.box.isDegenerate else { return nil }
        let box = a.box.clipped(width: width, height: height)
        return box.isDegenerate ? nil : (box, a.label)
      }
      var boxes: [Box] = []
      switch proposals {
      case nil: break
      case .file(let file)?:
        guard
          let found = file.proposals(
            forImage: item.fileName, width: item.width, height: item.height)
        else {
          if skipMissing {
            skipped.append(item.fileName)
            continue
          }
          throw DetectorsError.missingProposals(file: file.url.path, image: item.fileName)
        }
        boxes = Array(
          found.lazy.map(\.box).filter { !$0.isDegenerate }.prefix(configuration.maxProposals))
      case .generator?:
        // As at detection: proposals on the image resized as the network sees it.
        let image = try Image(contentsOf: url, maxSide: 4 * configuration.maxSide)
        let toDataset = width / Float(image.width)
        boxes = try FastRCNN.proposalBoxes(
          for: image, named: item.fileName, source: proposals!, configuration: configuration
        ).map { FastRCNN.scale($0, by: toDataset) }
      }
      samples.append(
        Sample(
          imageID: item.id, url: url, width: item.width, height: item.height, objects: objects,
          proposals: boxes))
    }
    return (samples, skipped)
  }

  /// A decoded training image: the network input and its objects and proposals in input
  /// pixels.
  struct Prepared: Sendable {
    var input: FastRCNN.Input
    var objects: [(box: Box, label: Int)]
    var proposals: [Box]
  }

  /// Decodes `sample` at `maxSide`, mirrored when `flip`.
  func load(_ sample: Sample, maxSide: Int, flip: Bool) throws -> Prepared {
    let image = try Image(contentsOf: sample.url, maxSide: 4 * maxSide)
    var input = FastRCNN.input(image, configuration: configuration, maxSide: maxSide)
    let s = Float(input.width) / Float(max(sample.width, 1))
    let w = Float(input.width), h = Float(input.height)
    func place(_ box: Box) -> Box {
      let b = FastRCNN.scale(box, by: s).clipped(width: w, height: h)
      return flip ? Box(x1: w - b.x2, y1: b.y1, x2: w - b.x1, y2: b.y2) : b
    }
    if flip { input = input.mirrored() }
    return Prepared(
      input: input,
      objects: sample.objects.compactMap {
        let box = place($0.box)
        return box.isDegenerate ? nil : (box, $0.label)
      },
      proposals: sample.proposals.map(place).filter { !$0.isDegenerate })
  }

  /// The learning rate at `step` of `total`.
  public func learningRate(step: Int, total: Int) -> Float {
    let t = Double(step) / Double(max(total, 1))
    return options.learningRate * Float(0.05 + 0.95 * 0.5 * (1 + cos(Double.pi * t)))
  }

  /// The loss names of the architecture, in report order.
  var lossNames: [String] {
    architecture == .fasterRCNN
      ? ["classification", "box", "objectness", "rpn_box"] : ["classification", "box"]
  }

  /// Trains one epoch; `onStep` gets the images done and a running summary of the losses.
  public func trainEpoch(
    _ epoch: Int, model: inout FasterRCNN, optimizer: inout Adam, on samples: [Sample],
    onStep: (Int, String) -> Void = { _, _ in }
  ) throws -> EpochRecord {
    let start = Date()
    var order = Array(samples.indices)
    var random = SplitMix64(seed: options.seed &+ UInt64(epoch) &* 0x9E37)
    order.shuffle(using: &random)
    let batch = max(1, options.batchSize)
    let batches = stride(from: 0, to: order.count, by: batch).map {
      Array(order[$0..<min($0 + batch, order.count)])
    }
    // Augmentation drawn up front, in order, from the epoch's generator.
    let augmentation = batches.map { members in
      members.map { _ -> (flip: Bool, maxSide: Int) in
        let flip = options.horizontalFlip && random.next() & 1 == 1
        guard let jitter = options.scaleJitter else { return (flip, configuration.maxSide) }
        let factor =
          jitter.lowerBound + (jitter.upperBound - jitter.lowerBound) * random.nextUnitFloat()
        return (flip, max(16, Int((Float(configuration.maxSide) * factor).rounded())))
      }
    }
    let trainer = self
    let loader = PrefetchingLoader(count: batches.count) { step in
      try zip(batches[step], augmentation[step]).map {
        try trainer.load(samples[$0], maxSide: $1.maxSide, flip: $1.flip)
      }
    }
    let totalSteps = batches.count * options.epochs
    var sums = [Double](repeating: 0, count: 4)
    var seen = 0
    var lr: Float = options.learningRate
    for (stepIndex, members) in batches.enumerated() {
      guard let prepared = try loader.next() else { break }
      let weight = 1 / Float(members.count)
      if architecture == .fasterRCNN { model.zeroGradients() } else { model.fast.zeroGradients() }
      for (index, sample) in zip(members, prepared) {
        let seed = options.seed &+ UInt64(epoch) &* 1_000_003 &+ UInt64(index) &* 7919
        let losses =
          architecture == .fasterRCNN
          ? try model.trainStep(sample.input, objects: sample.objects, seed: seed, weight: weight)
          : try model.fast.trainStep(
            sample.input, proposals: sample.proposals, objects: sample.objects, seed: seed,
            weight: weight)
        sums[0] += Double(losses.classification)
        sums[1] += Double(losses.box)
        sums[2] += Double(losses.objectness)
        sums[3] += Double(losses.rpnBox)
        seen += 1
      }
      lr = learningRate(step: (epoch - 1) * batches.count + stepIndex, total: totalSteps)
      optimizer.learningRate = lr
      if architecture == .fasterRCNN {
        model.visitParameters { optimizer.update($0, &$1) }
      } else {
        model.fast.visitParameters { optimizer.update($0, &$1) }
      }
      let n = Double(max(seen, 1))
      onStep(
        members.count,
        zip(lossNames, sums).map { String(format: "%@ %.3f", $0, $1 / n) }.joined(separator: " "))
    }
    let n = Double(max(seen, 1))
    return EpochRecord(
      epoch: epoch, losses: Array(zip(lossNames, sums.map { $0 / n })), learningRate: Double(lr),
      seconds: Date().timeIntervalSince(start))
  }

  /// The detections of `samples` in the dataset's pixels (images decoded one at a time).
  public func detections(model: FasterRCNN, samples: [Sample]) throws -> [Detection] {
    var result: [Detection] = []
    for sample in samples {
      let image = try Image(contentsOf: sample.url, maxSide: 4 * configuration.maxSide)
      let toDataset = Float(sample.width) / Float(image.width)
      let objects: [DetectedObject]
      if architecture == .fasterRCNN {
        objects = try model.detect(in: image)
      } else {
        objects = try model.fast.detect(
          in: image, proposals: sample.proposals.map { FastRCNN.scale($0, by: 1 / toDataset) })
      }
      result += TrainingRun.results(objects, imageID: sample.imageID, scale: toDataset)
    }
    return result
  }
}
