import Boxes
import Foundation
import Imaging
import NeuralNet
import ProposalIO
import Proposals

/// Faster R-CNN (Ren et al. 2015): a ``RegionProposalNetwork`` and the Fast R-CNN head share
/// one backbone; trained jointly by approximate joint training as torchvision (the sum of
/// the RPN's objectness and box losses and the head's classification and box losses, with
/// the proposals treated as constants).
///
/// It is also a `ProposalGenerator` named `"rpn"` (provenance method `"rpn"`, score =
/// objectness probability), so its proposals can be evaluated next to selective search.
///
/// The backbone is any ``Backbone`` (``FastRCNN/backbone``); the RPN reads its channels and
/// stride. With a frozen backbone only the RPN and the head train.
public struct FasterRCNN: Sendable, ProposalGenerator {
  /// The backbone and the RoI head.
  public var fast: FastRCNN
  /// The region proposal network.
  public var rpn: RegionProposalNetwork

  /// Creates an untrained detector on RegionKit's small CNN (see
  /// ``FastRCNN/init(configuration:seed:)``).
  ///
  /// - Parameters:
  ///   - configuration: The classes and settings.
  ///   - seed: Seed of the initial weights.
  /// - Throws: The errors of ``RegionProposalNetwork/init(channels:stride:configuration:seed:)``
  ///   for anchor or matching settings out of range.
  public init(configuration: FastRCNNConfiguration, seed: UInt64) throws {
    let fast = FastRCNN(configuration: configuration, seed: seed)
    try self.init(fast: fast, seed: seed)
  }

  /// Creates a detector on `backbone` with an untrained RPN and head for its channels and
  /// stride (see ``FastRCNN/init(configuration:backbone:seed:)``).
  ///
  /// - Parameters:
  ///   - configuration: The classes and settings.
  ///   - backbone: The feature extractor.
  ///   - seed: Seed of the RPN's and the head's initial weights.
  /// - Throws: The errors of ``RegionProposalNetwork/init(channels:stride:configuration:seed:)``
  ///   for anchor or matching settings out of range.
  public init(configuration: FastRCNNConfiguration, backbone: any Backbone, seed: UInt64)
    throws
  {
    try self.init(
      fast: FastRCNN(configuration: configuration, backbone: backbone, seed: seed), seed: seed)
  }

  private init(fast: FastRCNN, seed: UInt64) throws {
    self.fast = fast
    rpn = try RegionProposalNetwork(
      channels: fast.backbone.outputChannels, stride: fast.backbone.stride,
      configuration: fast.configuration, seed: seed &+ 202)
  }

  public var configuration: FastRCNNConfiguration { fast.configuration }

  public var name: String { "rpn" }

  /// RPN proposals of a prepared input, in input pixels (testing top-N), with the features.
  public mutating func proposals(_ input: FastRCNN.Input, training: Bool = false) throws -> (
    features: Tensor, proposals: [(box: Box, score: Float)]
  ) {
    // Detection needs no activations kept for a backward pass.
    let features =
      training ? try fast.features(input.tensor) : try fast.backbone.features(input.tensor)
    let output = rpn.forward(features)
    let anchors = try rpn.anchors(
      featureHeight: features.shape[2], featureWidth: features.shape[3])
    let c = configuration
    let proposals = rpn.proposals(
      objectness: output.objectness, deltas: output.deltas, anchors: anchors,
      imageWidth: input.width, imageHeight: input.height,
      preNMSTop: training ? c.rpnPreNMSTrain : c.rpnPreNMSTest,
      postNMSTop: training ? c.rpnPostNMSTrain : c.rpnPostNMSTest)
    return (features, proposals)
  }

  /// RPN proposals of `image` in its own pixels, best first.
  public func proposals(for image: Image) throws -> [Proposal] {
    var copy = self
    let input = FastRCNN.input(image, configuration: configuration)
    return try copy.proposals(input).proposals.map {
      Proposal(
        box: FastRCNN.scale($0.box, by: 1 / input.scale), score: $0.score,
        provenance: Provenance(method: "rpn"))
    }
  }

  /// Detects objects in `image` among the RPN's proposals; boxes in the image's pixels.
  public func detect(in image: Image) throws -> [DetectedObject] {
    var copy = self
    let input = FastRCNN.input(image, configuration: configuration)
    let (features, proposals) = try copy.proposals(input)
    return try fast.detections(
      features: features, proposals: proposals.map(\.box), width: input.width,
      height: input.height
    ).map { $0.scaled(by: 1 / input.scale) }
  }

  /// One image's joint training step; gradients accumulate (scaled by `weight`).
  public mutating func trainStep(
    _ input: FastRCNN.Input, objects: [(box: Box, label: Int)], seed: UInt64, weight: Float = 1
  ) throws -> FastRCNN.StepLosses {
    let features = try fast.features(input.tensor)
    let output = rpn.forward(features)
    let anchors = try rpn.anchors(
      featureHeight: features.shape[2], featureWidth: features.shape[3])
    let targets = rpn.targets(anchors: anchors, objects: objects.map(\.box), seed: seed)
    let rpnLoss = rpn.loss(objectness: output.objectness, deltas: output.deltas, targets: targets)
    let c = configuration
    let proposals = rpn.proposals(
      objectness: output.objectness, deltas: output.deltas, anchors: anchors,
      imageWidth: input.width, imageHeight: input.height, preNMSTop: c.rpnPreNMSTrain,
      postNMSTop: c.rpnPostNMSTrain
    ).map(\.box)
    let head = try fast.headStep(
      features: features, proposals: proposals, objects: objects, seed: seed &+ 1, weight: weight)
    var gradient = rpn.backward(
      objectness: rpnLoss.objectnessGradient * (weight * c.rpnWeight),
      deltas: rpnLoss.deltasGradient * (weight * c.rpnWeight))
    gradient.add(head.featureGradient)
    fast.backwardFeatures(gradient)
    return FastRCNN.StepLosses(
      classification: head.classification, box: head.box, objectness: rpnLoss.objectness,
      rpnBox: rpnLoss.box)
  }

  public mutating func zeroGradients() {
    visitParameters { _, parameter in parameter.gradient.zero() }
  }

  /// Parameters as `backbone.*`, `rpn.*` and `roi_heads.*`.
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {
    fast.visitParameters(visit)
    rpn.visitParameters { visit("rpn.\($0)", &$1) }
  }
}
