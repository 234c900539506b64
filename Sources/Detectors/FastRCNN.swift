import Boxes
import Foundation
import Imaging
import NeuralNet
import Proposals

/// Fast R-CNN (Girshick 2015): the backbone runs once per image, each proposal's features are
/// pooled from the shared feature map (RoIPool or RoIAlign), and the ``RoIHead`` classifies
/// them into `K+1` classes with class-specific box deltas; ``DetectionPostprocessor`` decodes,
/// clips, thresholds and runs per-class NMS.
///
/// Proposals come from any `ProposalGenerator` (selective search by default), given in the
/// input image's pixels. Training (``trainStep(_:proposals:objects:seed:weight:)``) samples 64 RoIs
/// per image, 25% foreground (IoU ≥ 0.5) and background with IoU in [0.1, 0.5), and
/// back-propagates the multi-task loss through the pooling into the backbone.
public struct FastRCNN: Sendable {
  public var configuration: FastRCNNConfiguration
  var backbone: Sequential
  /// The RoI head, a ``RegionClassifier`` on pooled features.
  public var head: RoIHead
  /// Detection post-processing (score 0.05, NMS 0.5, 100 detections, BoxCoder 10, 10, 5, 5).
  public var postprocessor = DetectionPostprocessor()
  /// The proposal method of ``detect(in:)``: by default the one named by
  /// ``FastRCNNConfiguration/proposalMethod`` with the library's defaults (nil when the name is
  /// a file's or `"rpn"`).
  public var proposalGenerator: (any ProposalGenerator)?

  /// Creates an untrained detector.
  public init(configuration: FastRCNNConfiguration, seed: UInt64) {
    self.configuration = configuration
    backbone = DetectionBackbone.make(channels: configuration.backboneChannels, seed: seed)
    let channels = configuration.backboneChannels.last ?? 3
    proposalGenerator = ProposalMethodName.generator(
      named: configuration.proposalMethod, maxProposals: configuration.maxProposals)
    head = RoIHead(
      classes: configuration.classNames,
      inputFeatures: channels * configuration.pooledSize * configuration.pooledSize,
      hiddenSize: configuration.hiddenSize, seed: seed &+ 101)
  }

  /// A network input: the image resized so its longer side is `maxSide`, normalised, NCHW.
  public struct Input: Sendable {
    public var tensor: Tensor
    /// Resized size.
    public var width: Int
    public var height: Int
    /// Resized pixels per original pixel.
    public var scale: Float

    /// The input mirrored left-right.
    public func mirrored() -> Input {
      var copy = self
      tensor.data.withUnsafeBufferPointer { source in
        copy.tensor.data.withUnsafeMutableBufferPointer { target in
          for row in 0..<(3 * height) {
            let base = row * width
            for x in 0..<width { target[base + x] = source[base + width - 1 - x] }
          }
        }
      }
      return copy
    }
  }

  /// Resizes `image` (RGB in [0, 1]) so its longer side is `maxSide` (the configuration's by
  /// default) and normalises it.
  public static func input(
    _ image: Image, configuration: FastRCNNConfiguration, maxSide: Int? = nil
  ) -> Input {
    let (width, height, scale) = inputSize(
      of: image, maxSide: maxSide ?? configuration.maxSide)
    let resized =
      (width == image.width && height == image.height)
      ? image : image.resized(width: width, height: height)
    let pixels = resized.normalizedPlanes(mean: configuration.mean, std: configuration.std)
    return Input(
      tensor: Tensor(shape: [1, 3, height, width], data: pixels), width: width, height: height,
      scale: scale)
  }

  /// Backbone features `[1, C, H/8, W/8]`.
  public mutating func features(_ input: Tensor) -> Tensor { backbone.forward(input) }

  /// Back-propagates a feature gradient into the backbone.
  mutating func backwardFeatures(_ gradient: Tensor) { _ = backbone.backward(gradient) }

  static func rois(_ boxes: [Box]) -> Tensor {
    var data: [Float] = []
    data.reserveCapacity(5 * boxes.count)
    for box in boxes { data += [0, box.x1, box.y1, box.x2, box.y2] }
    return Tensor(shape: [boxes.count, 5], data: data)
  }

  /// Pooled features `[R, C, P, P]` of `boxes` (input pixels) and RoIPool's argmax.
  func pool(_ features: Tensor, boxes: [Box]) -> (Tensor, [Int32]?) {
    let c = configuration, scale = 1 / Float(c.stride)
    if c.pooling == "pool" {
      let (output, argmax) = roiPoolWithArgmax(
        features, rois: Self.rois(boxes), outputHeight: c.pooledSize, outputWidth: c.pooledSize,
        spatialScale: scale)
      return (output, argmax)
    }
    return (
      roiAlign(
        features, rois: Self.rois(boxes), outputHeight: c.pooledSize, outputWidth: c.pooledSize,
        spatialScale: scale), nil
    )
  }

  func poolBackward(_ gradient: Tensor, boxes: [Box], argmax: [Int32]?, featureShape: [Int])
    -> Tensor
  {
    let c = configuration
    if let argmax {
      return roiPoolBackward(
        gradient, rois: Self.rois(boxes), argmax: argmax, featureShape: featureShape)
    }
    return roiAlignBackward(
      gradient, rois: Self.rois(boxes), featureShape: featureShape, outputHeight: c.pooledSize,
      outputWidth: c.pooledSize, spatialScale: 1 / Float(c.stride))
  }

  /// The loss terms of one image's step.
  public struct StepLosses: Sendable, Hashable {
    public var classification: Float = 0
    public var box: Float = 0
    public var objectness: Float = 0
    public var rpnBox: Float = 0
    public var total: Float { classification + box + objectness + rpnBox }
  }

  /// Samples RoIs among `proposals` (plus the objects themselves, as torchvision), runs the
  /// head and its loss, back-propagates into the head and returns the losses and the
  /// gradient of `features` (scaled by `weight`).
  mutating func headStep(
    features: Tensor, proposals: [Box], objects: [(box: Box, label: Int)], seed: UInt64,
    weight: Float
  ) -> (classification: Float, box: Float, featureGradient: Tensor) {
    let c = configuration
    let candidates = proposals + objects.map(\.box)
    let matcher = Matcher(highThreshold: c.foregroundIoU, lowThreshold: c.foregroundIoU)
    let result = matcher.match(objects: objects.map(\.box), candidates: candidates)
    let positives = candidates.indices.filter { result.matches[$0] >= 0 }
    let negatives = candidates.indices.filter {
      result.matches[$0] == Matcher.background && result.bestIoU[$0] >= c.backgroundLow
    }
    let sampler = BalancedSampler(
      sampleCount: c.roisPerImage, positiveFraction: c.foregroundFraction)
    let sample = sampler.sample(positives: positives, negatives: negatives, seed: seed)
    let chosen = sample.positives + sample.negatives
    guard !chosen.isEmpty else { return (0, 0, Tensor(zeros: features.shape)) }
    let boxes = chosen.map { candidates[$0] }
    let coder = postprocessor.boxCoder
    var labels: [Int] = [], targets: [[Float]] = []
    for n in chosen {
      let m = result.matches[n]
      if m >= 0 {
        labels.append(objects[m].label + 1)
        let d = coder.encode(objects[m].box, relativeTo: candidates[n])
        targets.append([d.dx, d.dy, d.dw, d.dh])
      } else {
        labels.append(0)
        targets.append([0, 0, 0, 0])
      }
    }
    let (pooled, argmax) = pool(features, boxes: boxes)
    let (logits, deltas) = head.forward(pooled)
    let loss = FastRCNNLoss(
      boxLoss: c.boxLoss, classificationWeight: c.classificationWeight, boxWeight: c.boxWeight)
    let terms = loss.evaluate(logits: logits, deltas: deltas, labels: labels, targets: targets)
    let pooledGradient = head.backward(
      logits: terms.logitsGradient * weight, deltas: terms.deltasGradient * weight
    ).reshaped(pooled.shape)
    let featureGradient = poolBackward(
      pooledGradient, boxes: boxes, argmax: argmax, featureShape: features.shape)
    return (terms.classification, terms.box, featureGradient)
  }

  /// One image's forward and backward pass; gradients accumulate into the parameters
  /// (scaled by `weight`, e.g. 1/2 for a minibatch of two images).
  ///
  /// - Parameters:
  ///   - input: The network input.
  ///   - proposals: Proposals in input pixels.
  ///   - objects: Ground-truth boxes in input pixels with labels `0..<K`.
  ///   - seed: Seed of the RoI sample.
  ///   - weight: Scale of the gradients. Default: `1`.
  public mutating func trainStep(
    _ input: Input, proposals: [Box], objects: [(box: Box, label: Int)], seed: UInt64,
    weight: Float = 1
  ) -> StepLosses {
    let features = features(input.tensor)
    let step = headStep(
      features: features, proposals: proposals, objects: objects, seed: seed, weight: weight)
    backwardFeatures(step.featureGradient)
    return StepLosses(classification: step.classification, box: step.box)
  }

  /// Detections from features and proposals (input pixels), in input pixels.
  public func detections(features: Tensor, proposals: [Box], width: Int, height: Int) throws
    -> [DetectedObject]
  {
    guard !proposals.isEmpty else { return [] }
    let (pooled, _) = pool(features, boxes: proposals)
    let classification = try head.classify(pooled)
    return postprocessor.detections(
      regions: proposals, classification: classification, classes: configuration.classes,
      imageWidth: width, imageHeight: height)
  }

  /// Detects objects in `image` among `proposals` given in the image's pixels; boxes in the
  /// image's pixels.
  public func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject] {
    var copy = self
    let input = Self.input(image, configuration: configuration)
    let features = copy.features(input.tensor)
    let scaled = proposals.map { Self.scale($0, by: input.scale) }
    return try detections(
      features: features, proposals: scaled, width: input.width, height: input.height
    ).map { $0.scaled(by: 1 / input.scale) }
  }

  /// Detects objects in `image` among the best ``FastRCNNConfiguration/maxProposals`` of
  /// ``proposalGenerator``, run on the image resized as the network sees it (as in training).
  ///
  /// - Throws: ``DetectorsError/unsupportedInput(detector:reason:)`` when the model has no
  ///   proposal generator (its proposals came from a file: pass them with
  ///   ``detect(in:proposals:)``).
  public func detect(in image: Image) throws -> [DetectedObject] {
    guard let proposalGenerator else {
      throw DetectorsError.unsupportedInput(
        detector: "fast-rcnn",
        reason:
          "the model was trained on proposals \(configuration.proposalMethod), "
          + "which it cannot compute: give them (--proposals FILE)")
    }
    let boxes = try Self.proposalBoxes(
      for: image, named: "", source: .generator(proposalGenerator), configuration: configuration)
    return try detect(in: image, proposals: boxes)
  }

  /// The size of the network input for `image`: its longer side `maxSide`, and the scale.
  public static func inputSize(of image: Image, maxSide: Int) -> (
    width: Int, height: Int, scale: Float
  ) {
    let scale = Float(maxSide) / Float(max(image.width, image.height))
    return (
      max(1, Int((Float(image.width) * scale).rounded())),
      max(1, Int((Float(image.height) * scale).rounded())), scale
    )
  }

  /// The best proposals of `source` for `image`, boxes in its pixels: a generator runs on the
  /// image resized as the network sees it (as in training), a file's boxes are rescaled to it.
  ///
  /// - Parameters:
  ///   - image: The image as decoded.
  ///   - name: Its name in the dataset, to find it in a file.
  ///   - source: The proposals.
  ///   - configuration: The input size and the proposals kept.
  ///   - maxProposals: How many to keep, best first. Default: the configuration's.
  /// - Throws: The source's errors.
  public static func proposalBoxes(
    for image: Image, named name: String, source: ProposalSource,
    configuration: FastRCNNConfiguration, maxProposals: Int? = nil
  ) throws -> [Box] {
    let count = maxProposals ?? configuration.maxProposals
    guard case .generator = source else {
      return try source.boxes(for: image, named: name, maxProposals: count)
    }
    let (width, height, scale) = inputSize(of: image, maxSide: configuration.maxSide)
    let resized =
      width == image.width && height == image.height
      ? image : image.resized(width: width, height: height)
    return try source.boxes(for: resized, named: name, maxProposals: count).map {
      Self.scale($0, by: 1 / scale)
    }
  }

  /// Scales a box's coordinates by `s`.
  public static func scale(_ box: Box, by s: Float) -> Box {
    Box(x1: box.x1 * s, y1: box.y1 * s, x2: box.x2 * s, y2: box.y2 * s)
  }

  /// Zeroes every gradient.
  public mutating func zeroGradients() {
    visitParameters { _, parameter in parameter.gradient.zero() }
  }

  /// Parameters as `backbone.*` and `roi_heads.*`.
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    backbone.visitParameters { visit("backbone.\($0)", &$1) }
    head.visitParameters { visit("roi_heads.\($0)", &$1) }
  }
}
