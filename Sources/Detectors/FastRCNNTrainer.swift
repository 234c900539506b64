import Boxes
import Datasets
import Evaluation
import Foundation
import Imaging
import NeuralNet
import Proposals

/// One epoch of a Fast or Faster R-CNN training run (`history.json`).
public struct FastRCNNEpochRecord: Sendable, Hashable, Codable {
  public var epoch: Int
  public var classificationLoss: Double
  public var boxLoss: Double
  public var objectnessLoss: Double
  public var rpnBoxLoss: Double
  public var learningRate: Double
  /// COCO AP at IoU 0.5 and AP 0.5:0.95 on the validation images (nil without them).
  public var validationAP50: Double?
  public var validationAP: Double?
  /// Wall-clock seconds of the epoch's training (without validation).
  public var seconds: Double
}

/// The state saved with each checkpoint (`trainer_state.json`).
public struct FastRCNNTrainerState: Sendable, Hashable, Codable {
  public var epoch: Int
  public var options: TrainingOptions
  public var validationFraction: Double
  public var history: [FastRCNNEpochRecord]

  public init(
    epoch: Int, options: TrainingOptions, validationFraction: Double,
    history: [FastRCNNEpochRecord]
  ) {
    self.epoch = epoch
    self.options = options
    self.validationFraction = validationFraction
    self.history = history
  }
}

/// Trains ``FastRCNN`` and ``FasterRCNN``: minibatches of `batchSize` images (2 as the
/// paper), each image's loss weighted 1/batchSize, Adam with a cosine decay from the
/// learning rate to 5% of it over all steps; validation AP50 per epoch (COCO evaluation).
///
/// The images of a minibatch run one after the other (not in parallel), so a run is
/// bit-identical for a seed on any machine with the same BLAS.
public struct FastRCNNTrainer: Sendable {
  /// One prepared image: the resized, normalised input, its objects and (Fast R-CNN) its
  /// cached proposals, all in input pixels.
  public struct Sample: Sendable {
    public var imageID: Int
    public var input: FastRCNN.Input
    public var objects: [(box: Box, label: Int)]
    public var proposals: [Box]
    /// Seconds the proposal generator took on this image.
    public var proposalSeconds: Double
  }

  public var options: TrainingOptions
  public var architecture: DetectorArchitecture

  public init(options: TrainingOptions, architecture: DetectorArchitecture) {
    self.options = options
    self.architecture = architecture
  }

  /// Loads and prepares `images` of `dataset`: resize, normalise, scale boxes; skips crowd,
  /// degenerate and non-finite boxes; runs `generator` on the resized image when given.
  public static func prepare(
    dataset: Dataset, images: [DatasetImage], configuration: FastRCNNConfiguration,
    generator: (any ProposalGenerator)?, onImage: () -> Void = {}
  ) throws -> [Sample] {
    try images.map { item in
      let image = try Image(contentsOf: dataset.url(of: item), maxSide: 4 * configuration.maxSide)
      let input = FastRCNN.input(image, configuration: configuration)
      // Annotations refer to the dataset's width and height (the decoded image may be shrunk).
      let s = Float(input.width) / Float(max(item.width, 1))
      let objects = item.annotations.compactMap { a -> (box: Box, label: Int)? in
        guard !a.isCrowd, a.box.isFinite, !a.box.isDegenerate else { return nil }
        let box = FastRCNN.scale(a.box, by: s).clipped(
          width: Float(input.width), height: Float(input.height))
        guard !box.isDegenerate else { return nil }
        return (box, a.label)
      }
      var proposals: [Box] = []
      var seconds = 0.0
      if let generator {
        let resized =
          image.width == input.width && image.height == input.height
          ? image : image.resized(width: input.width, height: input.height)
        let start = Date()
        proposals = try generator.proposals(for: resized).prefix(configuration.maxProposals).map(
          \.box)
        seconds = Date().timeIntervalSince(start)
      }
      onImage()
      return Sample(
        imageID: item.id, input: input, objects: objects, proposals: proposals,
        proposalSeconds: seconds)
    }
  }

  /// The seeded split of image indices into training and validation.
  public static func split(count: Int, validationFraction: Double, seed: UInt64) -> (
    train: [Int], validation: [Int]
  ) {
    var order = Array(0..<count)
    var random = SplitMix64(seed: seed &+ 0x5EED)
    order.shuffle(using: &random)
    let held = Int((Double(count) * validationFraction).rounded())
    return (order.dropFirst(held).sorted(), order.prefix(held).sorted())
  }

  /// The learning rate at `step` of `total`.
  public func learningRate(step: Int, total: Int) -> Float {
    let t = Double(step) / Double(max(total, 1))
    return options.learningRate * Float(0.05 + 0.95 * 0.5 * (1 + cos(Double.pi * t)))
  }

  /// Trains one epoch; `onStep` gets the images done and the running mean losses.
  public func trainEpoch(
    _ epoch: Int, model: inout FasterRCNN, optimizer: inout CheckpointedAdam, on samples: [Sample],
    onStep: (Int, FastRCNN.StepLosses, Float) -> Void = { _, _, _ in }
  ) throws -> FastRCNNEpochRecord {
    let start = Date()
    var order = Array(samples.indices)
    var random = SplitMix64(seed: options.seed &+ UInt64(epoch) &* 0x9E37)
    order.shuffle(using: &random)
    let batch = max(1, options.batchSize)
    let stepsPerEpoch = (order.count + batch - 1) / batch
    let totalSteps = stepsPerEpoch * options.epochs
    var sums = [Double](repeating: 0, count: 4)
    var seen = 0
    var lr: Float = options.learningRate
    for (stepIndex, first) in stride(from: 0, to: order.count, by: batch).enumerated() {
      let members = order[first..<min(first + batch, order.count)]
      let weight = 1 / Float(members.count)
      if architecture == .fasterRCNN { model.zeroGradients() } else { model.fast.zeroGradients() }
      for index in members {
        let sample = samples[index]
        let seed = options.seed &+ UInt64(epoch) &* 1_000_003 &+ UInt64(index) &* 7919
        let losses =
          architecture == .fasterRCNN
          ? try model.trainStep(sample.input, objects: sample.objects, seed: seed, weight: weight)
          : model.fast.trainStep(
            sample.input, proposals: sample.proposals, objects: sample.objects, seed: seed,
            weight: weight)
        sums[0] += Double(losses.classification)
        sums[1] += Double(losses.box)
        sums[2] += Double(losses.objectness)
        sums[3] += Double(losses.rpnBox)
        seen += 1
      }
      lr = learningRate(step: (epoch - 1) * stepsPerEpoch + stepIndex, total: totalSteps)
      optimizer.learningRate = lr
      if architecture == .fasterRCNN {
        model.visitParameters { optimizer.update($0, &$1) }
      } else {
        model.fast.visitParameters { optimizer.update($0, &$1) }
      }
      let n = Float(max(seen, 1))
      onStep(
        members.count,
        FastRCNN.StepLosses(
          classification: Float(sums[0]) / n, box: Float(sums[1]) / n,
          objectness: Float(sums[2]) / n, rpnBox: Float(sums[3]) / n), lr)
    }
    let n = Double(max(seen, 1))
    return FastRCNNEpochRecord(
      epoch: epoch, classificationLoss: sums[0] / n, boxLoss: sums[1] / n,
      objectnessLoss: sums[2] / n, rpnBoxLoss: sums[3] / n, learningRate: Double(lr),
      validationAP50: nil, validationAP: nil, seconds: Date().timeIntervalSince(start))
  }

  /// Detections of prepared samples in input pixels, converted to dataset detections in the
  /// dataset's pixels (divide by the input scale).
  public func detections(
    model: FasterRCNN, samples: [Sample], dataset: Dataset
  ) throws -> [Detection] {
    var result: [Detection] = []
    for sample in samples {
      var copy = model
      let objects: [DetectedObject]
      let input = sample.input
      if architecture == .fasterRCNN {
        let (features, proposals) = try copy.proposals(input)
        objects = try copy.fast.detections(
          features: features, proposals: proposals.map(\.box), width: input.width,
          height: input.height)
      } else {
        let features = copy.fast.features(input.tensor)
        objects = try copy.fast.detections(
          features: features, proposals: sample.proposals, width: input.width,
          height: input.height)
      }
      let categoryIDs = model.configuration.categoryIDs
      for object in objects where object.label - 1 < categoryIDs.count {
        result.append(
          Detection(
            imageID: sample.imageID, box: FastRCNN.scale(object.box, by: 1 / input.scale),
            categoryID: categoryIDs[object.label - 1], score: object.score))
      }
    }
    return result
  }

  /// COCO AP50 and AP of `model` on `samples` (images of `dataset`).
  public func evaluate(model: FasterRCNN, samples: [Sample], dataset: Dataset) throws -> (
    ap50: Double, ap: Double
  ) {
    let ids = Set(samples.map(\.imageID))
    var subset = dataset
    subset.images = dataset.images.filter { ids.contains($0.id) }
    let detections = try detections(model: model, samples: samples, dataset: subset)
    let result = try COCOEvaluation().evaluate(detections: detections, dataset: subset)
    return (result.stats[1], result.stats[0])
  }
}
