import Boxes
import Detectors
import Imaging
import NeuralNet
import ProposalIO
import Proposals
import Testing

/// The R-CNN pipeline: crop geometry and bad input (training: DetectorTrainingTests'
/// `RCNNTrainerTests`).
@Suite struct RCNNTests {
  /// A classifier that returns a fixed (possibly wrong) shape.
  struct Broken: RegionClassifier {
    var classes = ["a", "b"]
    var columns = 2
    func classify(_ regions: Tensor) throws -> RegionClassification {
      RegionClassification(
        probabilities: Tensor(zeros: [regions.shape[0], columns]))
    }
  }

  /// Fixed proposals, for tests without selective search.
  struct FixedProposals: ProposalGenerator {
    var boxes: [Box]
    var name: String { "fixed" }
    func proposals(for image: Image) throws -> [Proposal] {
      boxes.map { Proposal(box: $0, score: 1, provenance: Provenance(method: "fixed")) }
    }
  }

  @Test func cropWithContextGeometryOnAHandExample() {
    // A 32x32 box into a 48x48 crop with 8 px of context: scale 1, so the crop shows the
    // image rectangle [12, 68) in both directions.
    let box = Box(x1: 20, y1: 20, x2: 52, y2: 52)
    let outer = RCNN.contextBox(box, width: 48, height: 48, contextPadding: 8)
    #expect(outer == Box(x1: 12, y1: 12, x2: 60, y2: 60))
    // A horizontal ramp image: pixel value = x / 100 at pixel centres x + 0.5.
    var pixels = [Float](repeating: 0, count: 100 * 100 * 3)
    for y in 0..<100 {
      for x in 0..<100 { for c in 0..<3 { pixels[(y * 100 + x) * 3 + c] = Float(x) / 100 } }
    }
    let image = Image(width: 100, height: 100, channels: 3, pixels: pixels)
    let crops = RCNN.crops(of: image, boxes: [box], width: 48, height: 48, contextPadding: 8)
    #expect(crops.shape == [1, 3, 48, 48])
    // Output column 0 samples image x = 12.5 (pixel 12's centre), column 8 the box's left
    // edge pixel 20, column 47 pixel 59.
    #expect(abs(crops.data[0] - 0.12) < 1e-5)
    #expect(abs(crops.data[8] - 0.20) < 1e-5)
    #expect(abs(crops.data[47] - 0.59) < 1e-5)
    // The paper's share of context: 16 px at 227, 2 px at 32.
    #expect(RCNN.defaultContextPadding(inputSize: 227) == 16)
    #expect(RCNN.defaultContextPadding(inputSize: 32) == 2)
  }

  @Test func noProposalsGiveNoDetections() throws {
    let rcnn = RCNN(
      classifier: Broken(), inputSize: 16, proposalGenerator: FixedProposals(boxes: []))
    let image = Image(width: 32, height: 32, channels: 3, repeating: 0.5)
    #expect(try rcnn.detect(in: image).isEmpty)
  }

  @Test func wrongShapesThrowATypedErrorNamingTheClassifier() {
    let rcnn = RCNN(
      classifier: Broken(), inputSize: 16,
      proposalGenerator: FixedProposals(boxes: [Box(x1: 1, y1: 1, x2: 20, y2: 20)]))
    let image = Image(width: 32, height: 32, channels: 3, repeating: 0.5)
    #expect {
      try rcnn.detect(in: image)
    } throws: { error in
      guard case .malformedClassification(let name, let reason)? = error as? DetectorsError
      else { return false }
      return name == "Broken" && reason.contains("[1, 2]") && reason.contains("[1, 3]")
    }
  }
}
