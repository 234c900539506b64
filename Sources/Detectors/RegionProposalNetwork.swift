import Boxes
import Foundation
import NeuralNet

/// The region proposal network of Faster R-CNN (Ren et al. 2015, §3.1): a 3x3 convolution
/// with ReLU over the backbone's feature map, then per anchor an objectness logit (a 1x1
/// convolution with A outputs, read through a **sigmoid** and trained with binary
/// cross-entropy, as torchvision; the paper's 2-way softmax is equivalent) and four box
/// deltas (a 1x1 convolution with 4A outputs, BoxCoder weights 1, 1, 1, 1).
///
/// Training labels: ``Matcher`` with IoU ≥ 0.7 positive, < 0.3 negative and each object's
/// best anchor positive; ``BalancedSampler`` of 256 anchors with at most 50% positives;
/// loss = mean BCE over the sample + smooth L1 (β = 1/9) summed over the positives divided
/// by the sample size. Proposals: decode, clip, remove small, keep the pre-NMS top N by
/// objectness, optional objectness threshold, NMS 0.7, keep the post-NMS top N.
public struct RegionProposalNetwork: Sendable {
  var conv: Conv2d
  var relu = ReLU()
  var objectness: Conv2d
  var boxDeltas: Conv2d
  /// The anchors of each feature-map cell.
  public var anchorGenerator: AnchorGenerator
  /// The stride of the feature map, in input pixels: cell `(y, x)`'s anchors are centred on
  /// `(x · stride, y · stride)`.
  public var stride: Int
  public var matcher: Matcher
  public var sampler: BalancedSampler
  public var boxCoder = BoxCoder(weights: .unit)
  public var nmsThreshold: Double
  public var minSize: Float
  public var scoreThreshold: Float
  /// Smooth-L1 β of the box loss. Default: 1/9.
  public var beta: Float = 1.0 / 9

  /// Creates an RPN over `channels`-channel features with the configuration's anchors,
  /// matching and sampling settings.
  ///
  /// - Parameters:
  ///   - channels: The channels of the backbone's feature map.
  ///   - stride: The stride of the feature map. Default: nil, the configuration's
  ///     ``FastRCNNConfiguration/stride``.
  ///   - configuration: The anchors, matching, sampling and proposal settings.
  ///   - seed: Seed of the initial weights.
  /// - Throws: ``BoxesError/invalidParameter(type:field:value:expected:)`` for anchor sizes or
  ///   ratios that are not finite and positive, and
  ///   ``DetectorsError/invalidParameter(type:field:value:expected:)`` for IoU thresholds out of
  ///   order or sampling settings out of range.
  public init(
    channels: Int, stride: Int? = nil, configuration: FastRCNNConfiguration, seed: UInt64
  ) throws {
    let c = configuration
    self.stride = stride ?? c.stride
    anchorGenerator = try AnchorGenerator(sizes: c.anchorSizes, aspectRatios: c.aspectRatios)
    let count = anchorGenerator.cellAnchors.count
    conv = Conv2d(
      inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1, seed: seed)
    objectness = Conv2d(inChannels: channels, outChannels: count, kernelSize: 1, seed: seed &+ 1)
    boxDeltas = Conv2d(
      inChannels: channels, outChannels: 4 * count, kernelSize: 1, seed: seed &+ 2)
    boxDeltas.weight.value = boxDeltas.weight.value * 0.1
    matcher = try Matcher(
      highThreshold: c.rpnPositiveIoU, lowThreshold: c.rpnNegativeIoU, allowLowQualityMatches: true)
    sampler = try BalancedSampler(
      sampleCount: c.rpnSampleCount, positiveFraction: c.rpnPositiveFraction)
    nmsThreshold = c.rpnNMSThreshold
    minSize = c.rpnMinSize
    scoreThreshold = c.rpnScoreThreshold
  }

  /// Anchors per cell (A).
  public var anchorsPerCell: Int { anchorGenerator.cellAnchors.count }

  /// The raw outputs over `features` `[1, C, h, w]`: objectness logits `[1, A, h, w]` and
  /// deltas `[1, 4A, h, w]`; keeps what ``backward(objectness:deltas:)`` needs.
  public mutating func forward(_ features: Tensor) -> (objectness: Tensor, deltas: Tensor) {
    let hidden = relu.forward(conv.forward(features))
    return (objectness.forward(hidden), boxDeltas.forward(hidden))
  }

  /// Gradient of the features from the gradients of both outputs.
  public mutating func backward(objectness gObjectness: Tensor, deltas gDeltas: Tensor) -> Tensor {
    var hidden = objectness.backward(gObjectness)
    hidden.add(boxDeltas.backward(gDeltas))
    return conv.backward(relu.backward(hidden))
  }

  /// The objectness logit of anchor `n` (anchors ordered by row, column, cell anchor).
  static func logit(_ output: Tensor, anchor n: Int) -> Float {
    let a = output.shape[1], plane = output.shape[2] * output.shape[3]
    return output.data[(n % a) * plane + n / a]
  }

  /// Index into the delta map of coordinate `k` of anchor `n`.
  static func deltaIndex(_ output: Tensor, anchor n: Int, coordinate k: Int) -> Int {
    let a = output.shape[1] / 4, plane = output.shape[2] * output.shape[3]
    return ((n % a) * 4 + k) * plane + n / a
  }

  /// The anchors of an `h` x `w` feature map at ``stride``, ordered by row, column, cell
  /// anchor.
  ///
  /// - Throws: `BoxesError` for an empty feature map.
  public func anchors(featureHeight: Int, featureWidth: Int) throws -> [Box] {
    try anchorGenerator.anchors(
      imageHeight: featureHeight * stride, imageWidth: featureWidth * stride,
      featureHeight: featureHeight, featureWidth: featureWidth)
  }

  /// The anchors of an image of `imageWidth` x `imageHeight` with an `h` x `w` feature map,
  /// the stride taken as the image's size over the map's (rounded down).
  public func anchors(imageWidth: Int, imageHeight: Int, featureHeight: Int, featureWidth: Int)
    throws -> [Box]
  {
    try anchorGenerator.anchors(
      imageHeight: imageHeight, imageWidth: imageWidth, featureHeight: featureHeight,
      featureWidth: featureWidth)
  }

  /// Training targets of one image.
  public struct Targets: Sendable, Equatable {
    /// Sampled anchor indices.
    public var sampled: [Int]
    /// 1 (object) or 0 (background) per sampled anchor.
    public var labels: [Float]
    /// The positive anchors among `sampled` with their encoded regression targets.
    public var positives: [(anchor: Int, target: BoxDelta)]

    public static func == (a: Targets, b: Targets) -> Bool {
      a.sampled == b.sampled && a.labels == b.labels
        && a.positives.map(\.anchor) == b.positives.map(\.anchor)
        && a.positives.map(\.target) == b.positives.map(\.target)
    }
  }

  /// Labels and samples anchors against the image's `objects` (matcher, then sampler).
  public func targets(anchors: [Box], objects: [Box], seed: UInt64) -> Targets {
    let result = matcher.match(objects: objects, candidates: anchors)
    let positives = result.matches.indices.filter { result.matches[$0] >= 0 }
    let negatives = result.matches.indices.filter { result.matches[$0] == Matcher.background }
    let sample = sampler.sample(positives: positives, negatives: negatives, seed: seed)
    let sampled = sample.positives + sample.negatives
    let labels = sample.positives.map { _ in Float(1) } + sample.negatives.map { _ in Float(0) }
    let targets = sample.positives.map { n in
      (n, boxCoder.encode(objects[result.matches[n]], relativeTo: anchors[n]))
    }
    return Targets(sampled: sampled, labels: labels, positives: targets)
  }

  /// The RPN loss of one image and the gradients of both output maps.
  public func loss(objectness: Tensor, deltas: Tensor, targets: Targets) -> (
    objectness: Float, box: Float, objectnessGradient: Tensor, deltasGradient: Tensor
  ) {
    var gObjectness = Tensor(zeros: objectness.shape)
    var gDeltas = Tensor(zeros: deltas.shape)
    let count = Float(max(targets.sampled.count, 1))
    var bce: Double = 0
    let a = objectness.shape[1], plane = objectness.shape[2] * objectness.shape[3]
    for (n, label) in zip(targets.sampled, targets.labels) {
      let x = Self.logit(objectness, anchor: n)
      bce += Double(max(x, 0) - x * label + log1pf(expf(-abs(x))))
      let sigmoid = 1 / (1 + expf(-x))
      gObjectness.data[(n % a) * plane + n / a] += (sigmoid - label) / count
    }
    var box: Double = 0
    for (n, target) in targets.positives {
      let t = [target.dx, target.dy, target.dw, target.dh]
      for k in 0..<4 {
        let index = Self.deltaIndex(deltas, anchor: n, coordinate: k)
        let d = deltas.data[index] - t[k]
        let magnitude = abs(d)
        if magnitude < beta {
          box += Double(0.5 * d * d / beta)
          gDeltas.data[index] += d / beta / count
        } else {
          box += Double(magnitude - 0.5 * beta)
          gDeltas.data[index] += (d > 0 ? 1 : -1) / count
        }
      }
    }
    return (Float(bce) / count, Float(box) / count, gObjectness, gDeltas)
  }

  /// Proposals from the output maps: decode, clip, remove small, pre-NMS top N, objectness
  /// threshold, NMS, post-NMS top N. Scores are objectness probabilities, best first.
  ///
  /// - Complexity: O(*N* log *N*) for *N* anchors plus NMS of the pre-NMS top N.
  public func proposals(
    objectness: Tensor, deltas: Tensor, anchors: [Box], imageWidth: Int, imageHeight: Int,
    preNMSTop: Int, postNMSTop: Int
  ) -> [(box: Box, score: Float)] {
    let logits = anchors.indices.map { Self.logit(objectness, anchor: $0) }
    // Highest logit first; ties by anchor index (deterministic).
    let order = anchors.indices.sorted {
      logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1
    }
    var boxes: [Box] = [], scores: [Float] = []
    let width = Float(imageWidth), height = Float(imageHeight)
    for n in order.prefix(preNMSTop) {
      let score = 1 / (1 + expf(-logits[n]))
      guard score >= scoreThreshold, score.isFinite else { continue }
      let delta = BoxDelta(
        dx: deltas.data[Self.deltaIndex(deltas, anchor: n, coordinate: 0)],
        dy: deltas.data[Self.deltaIndex(deltas, anchor: n, coordinate: 1)],
        dw: deltas.data[Self.deltaIndex(deltas, anchor: n, coordinate: 2)],
        dh: deltas.data[Self.deltaIndex(deltas, anchor: n, coordinate: 3)])
      let box = boxCoder.decode(delta, relativeTo: anchors[n]).clipped(width: width, height: height)
      guard box.isFinite, box.width >= minSize, box.height >= minSize else { continue }
      boxes.append(box)
      scores.append(score)
    }
    let keep = nonMaximumSuppression(boxes: boxes, scores: scores, iouThreshold: nmsThreshold)
    return keep.prefix(postNMSTop).map { (boxes[$0], scores[$0]) }
  }

  /// Visits the parameters (`conv.weight`, `cls_logits.bias`, `bbox_pred.weight`, ...).
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    conv.visitParameters { visit("conv.\($0)", &$1) }
    objectness.visitParameters { visit("cls_logits.\($0)", &$1) }
    boxDeltas.visitParameters { visit("bbox_pred.\($0)", &$1) }
  }
}
