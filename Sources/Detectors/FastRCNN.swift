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
/// back-propagates the multi-task loss through the pooling into the backbone (unless it is
/// frozen).
///
/// Both stages are plug-ins: the ``backbone`` is any ``Backbone`` (RegionKit's small CNN by
/// default, an ``ONNXBackbone`` cut from a network trained elsewhere, or a Swift type), and
/// detection runs any ``RegionClassifier`` over the pooled features `[R, C, P, P]` when
/// ``classifier`` is set (the trained ``head`` otherwise). ``pooledFeatures(of:proposals:)``
/// gives those features to train a classifier of one's own.
public struct FastRCNN: Sendable {
  public var configuration: FastRCNNConfiguration
  /// The feature extractor. Set it together with ``FastRCNNConfiguration/backbone``,
  /// ``FastRCNNConfiguration/normalization`` and a ``head`` of its channels; the initialisers
  /// do all of that.
  public var backbone: any Backbone
  /// Whether training leaves the backbone as it is (only the head, and for Faster R-CNN the
  /// RPN, learn); always true for a backbone that is not a ``TrainableBackbone``. Default:
  /// ``FastRCNNConfiguration/backbone``'s `isFrozen`.
  public var freezesBackbone: Bool
  /// The RoI head, a ``RegionClassifier`` on pooled features, trained by
  /// ``trainStep(_:proposals:objects:seed:weight:)``.
  public var head: RoIHead
  /// The classifier detection runs on the pooled features `[R, C, P, P]` instead of ``head``
  /// (nil: the head). Its ``RegionClassifier/classes`` must be the configuration's, in order.
  /// Default: nil.
  public var classifier: (any RegionClassifier)?
  /// Detection post-processing (score 0.05, NMS 0.5, 100 detections, BoxCoder 10, 10, 5, 5).
  public var postprocessor = DetectionPostprocessor()
  /// The proposal method of ``detect(in:)``: by default the one named by
  /// ``FastRCNNConfiguration/proposalMethod`` with the library's defaults (nil when the name is
  /// a file's or `"rpn"`).
  public var proposalGenerator: (any ProposalGenerator)?

  /// Creates an untrained detector on RegionKit's small CNN
  /// (``FastRCNNConfiguration/backboneChannels``, seeded), whatever the configuration's
  /// ``FastRCNNConfiguration/backbone`` says; use ``init(configuration:backbone:seed:)`` for
  /// another backbone.
  ///
  /// - Parameters:
  ///   - configuration: The classes and settings.
  ///   - seed: Seed of the backbone's and the head's initial weights.
  public init(configuration: FastRCNNConfiguration, seed: UInt64) {
    var configuration = configuration
    if configuration.backbone.kind != .smallCNN {
      configuration.backbone = .smallCNN(channels: configuration.backboneChannels)
    }
    self.init(
      configuration: configuration,
      backbone: DetectionBackbone(channels: configuration.backboneChannels, seed: seed),
      seed: seed)
  }

  /// Creates a detector on `backbone` with an untrained head for its channels.
  ///
  /// - Parameters:
  ///   - configuration: The classes and settings; its ``FastRCNNConfiguration/backbone``
  ///     should describe `backbone` (``BackboneConfiguration/describing(_:frozen:)``, or the
  ///     ONNX backbone's ``ONNXBackbone/configuration(frozen:)``), as a model folder records it.
  ///     Its stride and channels are set from `backbone`; left at the small CNN's description
  ///     for another backbone, it becomes `describing(backbone)` (keeping `isFrozen`).
  ///   - backbone: The feature extractor.
  ///   - seed: Seed of the head's initial weights.
  public init(configuration: FastRCNNConfiguration, backbone: any Backbone, seed: UInt64) {
    var configuration = configuration
    let frozen = configuration.backbone.isFrozen
    if let small = backbone as? DetectionBackbone {
      configuration.backbone = .smallCNN(channels: small.channels)
      configuration.backbone.isFrozen = frozen
      configuration.backboneChannels = small.channels
    } else if configuration.backbone.kind == .smallCNN {
      configuration.backbone = .describing(backbone, frozen: frozen)
    }
    configuration.backbone.stride = backbone.stride
    configuration.backbone.channels = backbone.outputChannels
    self.configuration = configuration
    self.backbone = backbone
    freezesBackbone = configuration.backbone.isFrozen || !(backbone is any TrainableBackbone)
    proposalGenerator = ProposalMethodName.generator(
      named: configuration.proposalMethod, maxProposals: configuration.maxProposals)
    head = RoIHead(
      classes: configuration.classNames,
      inputFeatures: backbone.outputChannels * configuration.pooledSize * configuration.pooledSize,
      hiddenSize: configuration.hiddenSize, seed: seed &+ 101)
  }

  /// A network input: the image resized so its longer side is `maxSide` (or to fit a
  /// backbone's fixed input size), normalised, NCHW; padded with zeros at the bottom and right
  /// to the fixed size, and to at least the backbone's stride on each side.
  public struct Input: Sendable {
    /// `[1, 3, H, W]`, the resized image in its top-left `height` x `width` corner.
    public var tensor: Tensor
    /// Resized size.
    public var width: Int
    public var height: Int
    /// Resized pixels per original pixel.
    public var scale: Float

    /// The input mirrored left-right (the padding stays at the right).
    public func mirrored() -> Input {
      var copy = self
      let rows = tensor.shape[1] * tensor.shape[2], stride = tensor.shape[3]
      tensor.data.withUnsafeBufferPointer { source in
        copy.tensor.data.withUnsafeMutableBufferPointer { target in
          for row in 0..<rows {
            let base = row * stride
            for x in 0..<width { target[base + x] = source[base + width - 1 - x] }
          }
        }
      }
      return copy
    }
  }

  /// Resizes `image` (RGB in [0, 1]) so its longer side is `maxSide` (the configuration's by
  /// default; inside the backbone's fixed input size when it has one) and normalises it with
  /// the configuration's ``FastRCNNConfiguration/normalization``.
  public static func input(
    _ image: Image, configuration: FastRCNNConfiguration, maxSide: Int? = nil
  ) -> Input {
    let (width, height, scale) = inputSize(
      of: image, configuration: configuration, maxSide: maxSide)
    let resized =
      (width == image.width && height == image.height)
      ? image : image.resized(width: width, height: height)
    let n = configuration.normalization
    var tensor: Tensor
    if n.channelOrder == .rgb && n.pixelRange == 1 {
      tensor = Tensor(
        shape: [1, 3, height, width], data: resized.normalizedPlanes(mean: n.mean, std: n.std))
    } else {
      tensor = n.apply(
        to: Tensor(
          shape: [1, 3, height, width],
          data: resized.normalizedPlanes(mean: [0, 0, 0], std: [1, 1, 1])))
    }
    if let fixed = configuration.backbone.inputSize, fixed.count == 2 {
      tensor = tensor.paddedBottomRight(toHeight: fixed[0], width: fixed[1])
    } else {
      tensor = tensor.paddedBottomRight(toAtLeast: configuration.stride)
    }
    return Input(tensor: tensor, width: width, height: height, scale: scale)
  }

  /// The size of the network input for `image`: its longer side `maxSide` (the
  /// configuration's by default), or the largest size with the image's aspect ratio inside the
  /// backbone's fixed input size; and the scale.
  public static func inputSize(
    of image: Image, configuration: FastRCNNConfiguration, maxSide: Int? = nil
  ) -> (width: Int, height: Int, scale: Float) {
    guard let fixed = configuration.backbone.inputSize, fixed.count == 2 else {
      return inputSize(of: image, maxSide: maxSide ?? configuration.maxSide)
    }
    let scale = min(
      Float(fixed[1]) / Float(max(image.width, 1)), Float(fixed[0]) / Float(max(image.height, 1)))
    return (
      min(fixed[1], max(1, Int((Float(image.width) * scale).rounded()))),
      min(fixed[0], max(1, Int((Float(image.height) * scale).rounded()))), scale
    )
  }

  /// Backbone features `[1, C, H / stride, W / stride]`, keeping what the backward pass needs
  /// when the backbone trains.
  public mutating func features(_ input: Tensor) throws -> Tensor {
    guard !freezesBackbone else { return try backbone.features(input) }
    return try withTrainableBackbone { try $0.forward(input) } ?? backbone.features(input)
  }

  /// Back-propagates a feature gradient into the backbone (nothing when it is frozen).
  mutating func backwardFeatures(_ gradient: Tensor) {
    guard !freezesBackbone else { return }
    withTrainableBackbone { $0.backward(gradient) }
  }

  /// Runs `body` on the backbone as a ``TrainableBackbone`` (nil when it is not one), with
  /// the backbone taken out of `self` so that mutating it does not copy its weights.
  mutating func withTrainableBackbone<Result>(
    _ body: (inout any TrainableBackbone) throws -> Result
  ) rethrows -> Result? {
    guard var trainable = backbone as? any TrainableBackbone else { return nil }
    backbone = DetachedBackbone()
    defer { backbone = trainable }
    return try body(&trainable)
  }

  /// The pooled features `[R, C, P, P]` of `proposals` in `image` (boxes in its pixels, as
  /// ``detect(in:proposals:)`` takes them): what ``head`` or ``classifier`` classify, for
  /// training a ``RegionClassifier`` of one's own.
  ///
  /// - Throws: The backbone's errors.
  public func pooledFeatures(of image: Image, proposals: [Box]) throws -> Tensor {
    let input = Self.input(image, configuration: configuration)
    let features = try backbone.features(input.tensor)
    return pooledFeatures(features, proposals: proposals.map { Self.scale($0, by: input.scale) })
  }

  /// The pooled features `[R, C, P, P]` of `proposals` (input pixels) on a feature map.
  public func pooledFeatures(_ features: Tensor, proposals: [Box]) -> Tensor {
    guard !proposals.isEmpty else {
      let c = configuration
      return Tensor(zeros: [0, features.shape[1], c.pooledSize, c.pooledSize])
    }
    return pool(features, boxes: proposals).0
  }

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
  ///
  /// - Throws: ``DetectorsError/invalidParameter(type:field:value:expected:)`` when the
  ///   configuration's `foregroundIoU`, `roisPerImage` or `foregroundFraction` is out of range.
  mutating func headStep(
    features: Tensor, proposals: [Box], objects: [(box: Box, label: Int)], seed: UInt64,
    weight: Float
  ) throws(DetectorsError) -> (classification: Float, box: Float, featureGradient: Tensor) {
    let c = configuration
    let candidates = proposals + objects.map(\.box)
    let matcher = try Matcher(highThreshold: c.foregroundIoU, lowThreshold: c.foregroundIoU)
    let result = matcher.match(objects: objects.map(\.box), candidates: candidates)
    let positives = candidates.indices.filter { result.matches[$0] >= 0 }
    let negatives = candidates.indices.filter {
      result.matches[$0] == Matcher.background && result.bestIoU[$0] >= c.backgroundLow
    }
    let sampler = try BalancedSampler(
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
  /// - Throws: The backbone's errors;
  ///   ``DetectorsError/invalidParameter(type:field:value:expected:)`` when the configuration's
  ///   `foregroundIoU`, `roisPerImage` or `foregroundFraction` is out of range.
  public mutating func trainStep(
    _ input: Input, proposals: [Box], objects: [(box: Box, label: Int)], seed: UInt64,
    weight: Float = 1
  ) throws -> StepLosses {
    let features = try features(input.tensor)
    let step = try headStep(
      features: features, proposals: proposals, objects: objects, seed: seed, weight: weight)
    backwardFeatures(step.featureGradient)
    return StepLosses(classification: step.classification, box: step.box)
  }

  /// Detections from features and proposals (input pixels), in input pixels: ``classifier``
  /// (or ``head``) on the pooled features, then ``postprocessor``.
  ///
  /// - Throws: The classifier's errors;
  ///   ``DetectorsError/malformedClassification(classifier:reason:)`` when its output does not
  ///   fit the proposals and classes.
  public func detections(features: Tensor, proposals: [Box], width: Int, height: Int) throws
    -> [DetectedObject]
  {
    guard !proposals.isEmpty else { return [] }
    let (pooled, _) = pool(features, boxes: proposals)
    let classification: RegionClassification
    if let classifier {
      classification = try classifier.classify(pooled)
      try classification.validate(
        regionCount: proposals.count, classCount: configuration.classes.count,
        classifier: "\(type(of: classifier))")
    } else {
      classification = try head.classify(pooled)
    }
    return postprocessor.detections(
      regions: proposals, classification: classification, classes: configuration.classes,
      imageWidth: width, imageHeight: height)
  }

  /// Detects objects in `image` among `proposals` given in the image's pixels; boxes in the
  /// image's pixels.
  public func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject] {
    let input = Self.input(image, configuration: configuration)
    let features = try backbone.features(input.tensor)
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

  /// The size of the network input for `image` without a fixed input size: its longer side
  /// `maxSide`, and the scale.
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
    let (width, height, scale) = inputSize(of: image, configuration: configuration)
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

  /// The trainable parameters: `backbone.*` (unless the backbone is frozen) and `roi_heads.*`.
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    if !freezesBackbone {
      withTrainableBackbone { $0.visitParameters { visit("backbone.\($0)", &$1) } }
    }
    head.visitParameters { visit("roi_heads.\($0)", &$1) }
  }
}
