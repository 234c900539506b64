import Boxes
import Datasets
import Detectors
import Foundation
import Imaging
import NeuralNet
import Parallel

/// Trains the ``/Detectors/RCNN`` backends from ``RCNNTrainingImage``s, as Girshick et al. (2014):
///
/// - **hog-svm** and **onnx-features** (``trainSVMs(count:extractor:image:)``): features (HOG,
///   or a network's activations) of ground-truth boxes (the SVM positives) and of proposals with IoU <
///   ``/Detectors/RCNNConfiguration/negativeIoU`` to every object (the negative pool, at most
///   ``/Detectors/RCNNConfiguration/backgroundPerImage`` per image, seeded), plus the other classes'
///   ground truth; per class one ``/Detectors/LinearSVM`` by ``/Detectors/HardNegativeMining``, a ``/Detectors/PlattScaling``
///   fitted on the positives and the whole pool, and a ``/Detectors/RidgeRegression`` on proposals with
///   IoU ≥ ``/Detectors/RCNNConfiguration/regressionIoU``.
/// - **cnn**: a fixed pool per image of ground-truth boxes and proposals with IoU ≥ 0.5 as
///   foreground (at most ``/Detectors/RCNNConfiguration/foregroundPerImage``) and proposals below as
///   background (at most ``/Detectors/RCNNConfiguration/backgroundPerImage``), trained with
///   cross-entropy + λ·smooth-L1 (β = 1, summed over the foreground rows' class deltas and
///   divided by the batch size, as Fast R-CNN) by Adam with one warm-up epoch and cosine
///   decay; crops are mirrored at random (seeded), negating `dx`.
///
/// Per-image work runs on up to `threads` threads; results do not depend on the count.
public struct RCNNTrainer: Sendable {
  /// The model settings.
  public var configuration: RCNNConfiguration
  /// Seed of every random choice.
  public var seed: UInt64
  /// Worker threads for per-image work. Default: active processors.
  public var threads: Int
  /// The delta encoding (the post-processor's). Default: `BoxCoder()`.
  public var coder: BoxCoder

  /// Creates a trainer.
  public init(
    configuration: RCNNConfiguration, seed: UInt64 = 0,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    self.configuration = configuration
    self.seed = seed
    self.threads = threads
    self.coder = configuration.postprocessor.boxCoder
  }

  /// Decodes one dataset image (RGB) with its non-crowd boxes and its proposals.
  ///
  /// - Parameters:
  ///   - entry: The image of `dataset`.
  ///   - dataset: The dataset.
  ///   - proposals: Where the proposals come from.
  ///   - maxProposals: How many to keep, best first.
  /// - Throws: Decoding errors, proposal errors and
  ///   ``/Detectors/DetectorsError/missingProposals(file:image:)``.
  public static func trainingImage(
    _ entry: DatasetImage, of dataset: Dataset, proposals: ProposalSource, maxProposals: Int
  ) throws -> RCNNTrainingImage {
    let image = try Image(contentsOf: dataset.url(of: entry))
    let sx = Float(image.width) / Float(max(entry.width, 1))
    let sy = Float(image.height) / Float(max(entry.height, 1))
    let objects = entry.annotations.filter {
      !$0.isCrowd && $0.box.isFinite && !$0.box.isDegenerate
    }
    let boxes = objects.map {
      Box(x1: $0.box.x1 * sx, y1: $0.box.y1 * sy, x2: $0.box.x2 * sx, y2: $0.box.y2 * sy)
    }
    return RCNNTrainingImage(
      image: image, boxes: boxes, labels: objects.map { $0.label + 1 },
      proposals: try proposals.boxes(for: image, named: entry.fileName, maxProposals: maxProposals))
  }

  // MARK: SVMs (hog-svm, onnx-features)

  /// What ``trainSVMs(_:extractor:)`` did, per class.
  public struct SVMReport: Sendable {
    /// Positives per class.
    public var positives: [Int]
    /// The mining result per class.
    public var mining: [HardNegativeMining.Result]
    /// Regression samples per class.
    public var regressionSamples: [Int]
    /// The factor applied to every feature vector (1 without ``/Detectors/RCNNConfiguration/featureNorm``).
    public var featureScale: Float
    /// The number of features per region.
    public var featureCount: Int

    /// One sentence per class without positives (its SVM only saw negatives, so it scores
    /// low everywhere) or without regression samples (its box regressor gives zero deltas:
    /// its boxes stay as proposed).
    ///
    /// - Parameter classes: The class names, in label order.
    public func warnings(classes: [String]) -> [String] {
      classes.indices.flatMap { k -> [String] in
        var lines: [String] = []
        if positives[k] == 0 {
          lines.append("class \(classes[k]) has no training object: its SVM saw negatives only")
        }
        if regressionSamples[k] == 0 {
          lines.append(
            "class \(classes[k]) has no regression sample: its box regressor gives zero deltas "
              + "(boxes stay as proposed)")
        }
        return lines
      }
    }
  }

  /// Trains the SVM pipeline on images in memory, with the features of `extractor`.
  public func trainSVMs(_ images: [RCNNTrainingImage], extractor: any RegionFeatureExtractor)
    throws -> (classifier: SVMRegionClassifier, report: SVMReport)
  {
    try trainSVMs(count: images.count, extractor: extractor) { images[$0] }
  }

  /// Crops warped and featurised per call of the extractor during training.
  static let featureBatchSize = 128

  /// Trains the SVM pipeline of hog-svm and onnx-features on `count` images, each loaded by
  /// `image` when its features are computed (on up to ``threads`` threads) and dropped after:
  /// memory holds the features, not the images.
  ///
  /// Per image, the crops of its ground-truth boxes, its negatives and its regression samples
  /// go to `extractor` together, in batches of up to 128 crops. With
  /// ``/Detectors/RCNNConfiguration/featureNorm`` set, every feature vector is then scaled so
  /// that their mean L2 norm (over positives and negatives) is that value, as R-CNN does.
  ///
  /// - Parameters:
  ///   - count: The number of training images.
  ///   - extractor: The features of a crop (``/Detectors/HOGDescriptor``,
  ///     ``/Detectors/ONNXFeatureExtractor``, …).
  ///   - image: Loads training image `i`.
  /// - Throws: Loading and extractor errors, ``/Detectors/DetectorsError/noTrainingImages(dataset:)``
  ///   without any object, and ``/Detectors/DetectorsError/malformedClassification(classifier:reason:)``
  ///   when the extractor gives vectors of different lengths.
  public func trainSVMs(
    count: Int, extractor: any RegionFeatureExtractor, image: (Int) throws -> RCNNTrainingImage
  ) throws -> (classifier: SVMRegionClassifier, report: SVMReport) {
    let c = configuration
    let size = c.inputSize, padding = c.contextPadding
    struct PerImage: Sendable {
      var positives: [(label: Int, features: [Float])]
      var negatives: [[Float]]
      var regression: [(label: Int, features: [Float], target: [Float])]
    }
    let perImage = try orderedParallelMap(count: count, threads: threads) { i in
      let item = try image(i)
      var random = SplitMix64(seed: seed &+ 0x9E37_79B9 &* UInt64(i + 1))
      var negatives = item.negativeProposals(maximumIoU: c.negativeIoU)
      negatives.shuffle(using: &random)
      negatives = Array(negatives.prefix(c.backgroundPerImage))
      var regression = item.regressionRegions(minimumIoU: c.regressionIoU, coder: coder)
      regression.shuffle(using: &random)
      regression = Array(regression.prefix(16))
      let boxes = item.boxes + negatives + regression.map(\.box)
      let fill = WarpFill.color(item.image.meanColor())
      var rows: [[Float]] = []
      rows.reserveCapacity(boxes.count)
      for start in stride(from: 0, to: boxes.count, by: Self.featureBatchSize) {
        let part = Array(boxes[start..<min(start + Self.featureBatchSize, boxes.count)])
        let features = try extractor.features(
          of: RCNN.crops(
            of: item.image, boxes: part, width: size, height: size, contextPadding: padding,
            fill: fill))
        let d = features.rank == 2 ? features.shape[1] : 0
        guard features.rank == 2, features.shape[0] == part.count else {
          throw DetectorsError.malformedClassification(
            classifier: extractor.summary,
            reason: "features of shape \(features.shape) for \(part.count) crops")
        }
        for r in 0..<part.count { rows.append(Array(features.data[(r * d)..<((r + 1) * d)])) }
      }
      let positives = rows[..<item.boxes.count]
      let negativeRows = rows[item.boxes.count..<(item.boxes.count + negatives.count)]
      let regressionRows = rows[(item.boxes.count + negatives.count)...]
      return PerImage(
        positives: zip(item.labels, positives).map { ($0, $1) }, negatives: Array(negativeRows),
        regression: zip(regression, regressionRows).map { region, features in
          let t = region.target!
          return (region.label, features, [t.dx, t.dy, t.dw, t.dh])
        })
    }
    var positives = perImage.flatMap(\.positives)
    var negatives = perImage.flatMap(\.negatives)
    var regression = perImage.flatMap(\.regression)
    guard let d = positives.first?.features.count else {
      throw DetectorsError.noTrainingImages(dataset: "R-CNN set")
    }
    let lengths = Set(
      positives.map(\.features.count) + negatives.map(\.count) + regression.map(\.features.count))
    guard lengths == [d] else {
      throw DetectorsError.malformedClassification(
        classifier: extractor.summary, reason: "feature vectors of lengths \(lengths.sorted())")
    }
    var scale: Float = 1
    if let target = c.featureNorm {
      var total = 0.0
      for x in positives.map(\.features) + negatives {
        total += x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
      }
      let mean = total / Double(positives.count + negatives.count)
      if mean > 0 { scale = Float(Double(target) / mean) }
      if scale != 1 {
        for i in positives.indices {
          positives[i].features = positives[i].features.map { $0 * scale }
        }
        for i in negatives.indices { negatives[i] = negatives[i].map { $0 * scale } }
        for i in regression.indices {
          regression[i].features = regression[i].features.map { $0 * scale }
        }
      }
    }
    let classCount = c.classes.count
    let results = try orderedParallelMap(count: classCount, threads: threads) { k in
      let label = k + 1
      let mine = positives.filter { $0.label == label }.map(\.features)
      let pool = negatives + positives.filter { $0.label != label }.map(\.features)
      let miner = HardNegativeMining(c: c.svmC, seed: seed &+ UInt64(k))
      let mined = miner.train(positives: mine, pool: pool, featureCount: d)
      let scores = (mine + pool).map { mined.machine.score($0) }
      let platt = PlattScaling(
        scores: scores, positive: mine.map { _ in true } + pool.map { _ in false })
      let samples = regression.filter { $0.label == label }
      // Without samples: zero deltas of the right size (the class's boxes stay as proposed).
      let ridge = try RidgeRegression(
        samples: samples.map(\.features), targets: samples.map(\.target), featureCount: d,
        outputCount: 4, lambda: c.ridgeLambda)
      return (mined, platt, ridge, mine.count, samples.count)
    }
    let classifier = try SVMRegionClassifier(
      classes: c.classNames, extractor: extractor, featureScale: scale,
      machines: results.map(\.0.machine), calibrations: results.map(\.1),
      regressors: results.map(\.2))
    return (
      classifier,
      SVMReport(
        positives: results.map(\.3), mining: results.map(\.0),
        regressionSamples: results.map(\.4), featureScale: scale, featureCount: d)
    )
  }

  // MARK: CNN

  /// Warped crops with labels and regression targets, fixed for all epochs.
  public struct RegionPool: Sendable {
    /// `count x 3 x S x S` crops.
    public var crops: [Float]
    /// Labels, 0 background.
    public var labels: [Int]
    /// Four targets per region (zero for background).
    public var targets: [Float]
    /// The crop side.
    public var size: Int
    /// Regions.
    public var count: Int { labels.count }
    /// Foreground regions.
    public var foregroundCount: Int { labels.filter { $0 > 0 }.count }
  }

  /// The CNN training pool of `images` (see the type's documentation).
  public func regionPool(_ images: [RCNNTrainingImage]) throws -> RegionPool {
    try regionPool(count: images.count) { images[$0] }
  }

  /// The region pool of `count` images, each loaded by `image` when its crops are warped (on
  /// up to ``threads`` threads) and dropped after.
  public func regionPool(count: Int, image: (Int) throws -> RCNNTrainingImage) throws
    -> RegionPool
  {
    let c = configuration
    let parts = try orderedParallelMap(count: count, threads: threads) { i in
      let item = try image(i)
      var random = SplitMix64(seed: seed &+ 0x2545_F491 &* UInt64(i + 1))
      let regions = item.fineTuningRegions(positiveIoU: c.positiveIoU, coder: coder)
      let truth = Array(regions.prefix(item.boxes.count))
      var foreground = regions.dropFirst(item.boxes.count).filter { $0.label > 0 }
      var background = regions.filter { $0.label == 0 }
      foreground.shuffle(using: &random)
      background.shuffle(using: &random)
      let chosen =
        Array((truth + foreground).prefix(c.foregroundPerImage))
        + background.prefix(c.backgroundPerImage)
      let crops = RCNN.crops(
        of: item.image, boxes: chosen.map(\.box), width: c.inputSize, height: c.inputSize,
        contextPadding: c.contextPadding)
      let targets = chosen.flatMap { r -> [Float] in
        guard let t = r.target else { return [0, 0, 0, 0] }
        return [t.dx, t.dy, t.dw, t.dh]
      }
      return (crops.data, chosen.map(\.label), targets)
    }
    return RegionPool(
      crops: parts.flatMap(\.0), labels: parts.flatMap(\.1), targets: parts.flatMap(\.2),
      size: c.inputSize)
  }

  /// The learning rate at `step` of `totalSteps`: linear warm-up over `warmupSteps` from
  /// 10%, then cosine decay to 1%.
  public static func schedule(warmupSteps: Int, totalSteps: Int, base: Float)
    -> LearningRateSchedule
  {
    .linearWarmup(
      steps: warmupSteps, startFactor: 0.1,
      then: .cosine(totalSteps: max(totalSteps - warmupSteps, 1), minimum: base * 0.01))
  }

  /// One loss evaluation and backward pass on the pool rows `indices` (mirrored where
  /// `flips` says). Returns the cross-entropy and the box loss (before λ).
  public func step(
    _ model: inout CNNRegionClassifier, pool: RegionPool, indices: [Int], flips: [Bool]
  ) -> (classification: Float, box: Float) {
    let s = pool.size, plane = s * s, rows = indices.count, k = model.outputClasses
    var input = Tensor(zeros: [rows, 3, s, s])
    for (row, index) in indices.enumerated() {
      for c in 0..<3 {
        let from = (index * 3 + c) * plane, to = (row * 3 + c) * plane
        for y in 0..<s {
          for x in 0..<s {
            input.data[to + y * s + x] = pool.crops[from + y * s + (flips[row] ? s - 1 - x : x)]
          }
        }
      }
    }
    let labels = indices.map { pool.labels[$0] }
    let (logits, deltas) = model.split(model.forward(input))
    let ce = crossEntropy(logits, labels: labels)
    let foreground = labels.indices.filter { labels[$0] > 0 }
    var boxGradient = Tensor(zeros: deltas.shape)
    var boxValue: Float = 0
    if !foreground.isEmpty {
      var predicted = Tensor(zeros: [foreground.count, 4])
      var target = Tensor(zeros: [foreground.count, 4])
      for (j, row) in foreground.enumerated() {
        for d in 0..<4 {
          predicted.data[j * 4 + d] = deltas.data[row * 4 * k + 4 * labels[row] + d]
          var t = pool.targets[indices[row] * 4 + d]
          if d == 0 && flips[row] { t = -t }
          target.data[j * 4 + d] = t
        }
      }
      let loss = smoothL1Loss(predicted, target, beta: 1, reduction: .sum)
      boxValue = loss.value / Float(rows)
      let scale = configuration.boxWeight / Float(rows)
      for (j, row) in foreground.enumerated() {
        for d in 0..<4 {
          boxGradient.data[row * 4 * k + 4 * labels[row] + d] =
            loss.gradient.data[j * 4 + d] * scale
        }
      }
    }
    _ = model.backward(model.join(ce.gradient, boxGradient))
    return (ce.value, boxValue)
  }

  /// Trains one epoch over the shuffled pool; `onStep(regions, ce, box, learningRate)` after
  /// each batch.
  /// Returns the mean cross-entropy and box loss of the epoch.
  ///
  /// - Throws: ``/NeuralNet/NeuralNetError/invalidParameter(type:field:value:expected:)`` from
  ///   the learning-rate schedule (``schedule(warmupSteps:totalSteps:base:)`` keeps its cosine
  ///   length at least 1, so it does not throw for any `epochs`).
  public func trainEpoch(
    _ epoch: Int, epochs: Int, model: inout CNNRegionClassifier,
    optimizer: inout Adam, pool: RegionPool, batchSize: Int, learningRate: Float,
    onStep: (Int, Float, Float, Float) -> Void = { _, _, _, _ in }
  ) throws(NeuralNetError) -> (classification: Double, box: Double) {
    var random = SplitMix64(seed: seed &+ 0x5851_F42D_4C95_7F2D &* UInt64(epoch))
    var order = Array(0..<pool.count)
    order.shuffle(using: &random)
    let perEpoch = (pool.count + batchSize - 1) / batchSize
    let schedule = RCNNTrainer.schedule(
      warmupSteps: perEpoch, totalSteps: perEpoch * epochs, base: learningRate)
    model.setTraining(true)
    var sums = (0.0, 0.0)
    for (index, start) in stride(from: 0, to: order.count, by: batchSize).enumerated() {
      let indices = Array(order[start..<min(start + batchSize, order.count)])
      let flips = indices.map { _ in random.next() & 1 == 1 }
      let losses = step(&model, pool: pool, indices: indices, flips: flips)
      optimizer.learningRate = try schedule.learningRate(
        at: (epoch - 1) * perEpoch + index, base: learningRate)
      optimizer.step(&model)
      model.zeroGradients()
      sums.0 += Double(losses.classification)
      sums.1 += Double(losses.box)
      onStep(indices.count, losses.classification, losses.box, optimizer.learningRate)
    }
    model.setTraining(false)
    return (sums.0 / Double(max(perEpoch, 1)), sums.1 / Double(max(perEpoch, 1)))
  }
}
