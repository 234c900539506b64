import Boxes
import Foundation
import NeuralNet
import Testing

@testable import Detectors

@Suite struct RegionProposalNetworkTests {
  func configuration() -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(
      architecture: .fasterRCNN, classes: DetectorClass.numbered(["a", "b"]))
    c.backboneChannels = [4, 4, 4, 4]
    c.anchorSizes = [16, 32]
    c.aspectRatios = [1]
    c.rpnSampleCount = 8
    return c
  }

  @Test func anchorsAndOutputsHaveMatchingShapes() throws {
    var rpn = try RegionProposalNetwork(channels: 4, configuration: configuration(), seed: 1)
    let features = Tensor(shape: [1, 4, 8, 8], repeating: 0.1)
    let output = rpn.forward(features)
    #expect(output.objectness.shape == [1, 2, 8, 8])
    #expect(output.deltas.shape == [1, 8, 8, 8])
    let anchors = try rpn.anchors(
      imageWidth: 64, imageHeight: 64, featureHeight: 8, featureWidth: 8)
    #expect(anchors.count == 8 * 8 * 2)
    // Cell (row 0, column 1), size 16: centred at x = 8.
    #expect(anchors[2] == Box(x1: 0, y1: -8, x2: 16, y2: 8))
  }

  @Test func targetsOnAHandExample() throws {
    let rpn = try RegionProposalNetwork(channels: 4, configuration: configuration(), seed: 1)
    // Three anchors: one exact (positive), one far (negative), one at IoU 0.5 (ignored).
    let anchors = [
      Box(x1: 0, y1: 0, x2: 16, y2: 16), Box(x1: 40, y1: 40, x2: 56, y2: 56),
      Box(x1: 0, y1: 0, x2: 16, y2: 8),
    ]
    let targets = rpn.targets(
      anchors: anchors, objects: [Box(x1: 0, y1: 0, x2: 16, y2: 16)], seed: 0)
    #expect(Set(targets.sampled) == [0, 1])
    #expect(targets.positives.map(\.anchor) == [0])
    #expect(targets.positives[0].target == BoxDelta(dx: 0, dy: 0, dw: 0, dh: 0))
    #expect(targets.labels == [1, 0])
    // No objects: only negatives.
    let empty = rpn.targets(anchors: anchors, objects: [], seed: 0)
    #expect(
      empty.positives.isEmpty && empty.labels.allSatisfy { $0 == 0 } && empty.sampled.count == 3)
  }

  @Test func proposalsAreClippedSuppressedAndCapped() throws {
    var c = configuration()
    c.rpnScoreThreshold = 0
    let rpn = try RegionProposalNetwork(channels: 4, configuration: c, seed: 1)
    // 1x1 feature map with 2 anchors, zero deltas: proposals are the clipped anchors.
    let anchors = [Box(x1: -4, y1: -4, x2: 20, y2: 20), Box(x1: -3, y1: -4, x2: 20, y2: 20)]
    let objectness = Tensor(shape: [1, 2, 1, 1], data: [2, 1])
    let deltas = Tensor(zeros: [1, 8, 1, 1])
    let proposals = rpn.proposals(
      objectness: objectness, deltas: deltas, anchors: anchors, imageWidth: 16, imageHeight: 16,
      preNMSTop: 10, postNMSTop: 10)
    // Both clip to the image: NMS 0.7 keeps the better one.
    #expect(proposals.count == 1)
    #expect(proposals[0].box == Box(x1: 0, y1: 0, x2: 16, y2: 16))
    #expect(abs(proposals[0].score - 1 / (1 + expf(-2))) < 1e-6)
    var strict = rpn
    strict.scoreThreshold = 0.95
    #expect(
      strict.proposals(
        objectness: objectness, deltas: deltas, anchors: anchors, imageWidth: 16, imageHeight: 16,
        preNMSTop: 10, postNMSTop: 10
      ).isEmpty)
  }
}
