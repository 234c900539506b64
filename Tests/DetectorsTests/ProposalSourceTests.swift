import Boxes
import Detectors
import Foundation
import Imaging
import ProposalIO
import Proposals
import RegionKitTestSupport
import Testing

/// Where R-CNN and Fast R-CNN get their boxes: a generator or a file, by image name.
@Suite struct ProposalSourceTests {
  struct FixedProposals: ProposalGenerator {
    var boxes: [Box]
    var name: String { "fixed" }
    func proposals(for image: Image) throws -> [Proposal] {
      boxes.map { Proposal(box: $0, score: 1, provenance: Provenance(method: "fixed")) }
    }
  }

  static let boxes = [
    Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 5, y1: 5, x2: 5, y2: 9),  // degenerate
    Box(x1: 2, y1: 2, x2: 8, y2: 6), Box(x1: 1, y1: 1, x2: 3, y2: 3),
  ]

  @Test func generatorBoxesSkipDegenerateOnesAndKeepTheBest() throws {
    let source = ProposalSource.generator(FixedProposals(boxes: Self.boxes))
    #expect(source.name == "fixed")
    let image = Image(width: 10, height: 10, channels: 3, repeating: 0.5)
    #expect(
      try source.boxes(for: image, named: "x.jpg", maxProposals: 10)
        == [Self.boxes[0], Self.boxes[2], Self.boxes[3]])
    #expect(
      try source.boxes(for: image, named: "x.jpg", maxProposals: 2)
        == [Self.boxes[0], Self.boxes[2]])
  }

  @Test func fileBoxesAreRescaledToTheImageAndMissingImagesThrow() throws {
    let folder = try Fixtures.temporaryDirectory("proposal-source")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("run.jsonl")
    let proposals = Self.boxes.map {
      Proposal(box: $0, score: 1, provenance: Provenance(method: "fixed"))
    }
    try ProposalFile.write(
      [ProposalRecord(image: "x.jpg", width: 10, height: 10, proposals: proposals)], to: url)
    let source = ProposalSource.file(try PrecomputedProposals(contentsOf: url))
    #expect(source.name == "run.jsonl")
    // The image was decoded at twice the size the proposals were computed on.
    let image = Image(width: 20, height: 20, channels: 3, repeating: 0.5)
    #expect(
      try source.boxes(for: image, named: "x.jpg", maxProposals: 2) == [
        Box(x1: 0, y1: 0, x2: 20, y2: 20), Box(x1: 4, y1: 4, x2: 16, y2: 12),
      ])
    #expect(throws: DetectorsError.missingProposals(file: url.path, image: "y.jpg")) {
      _ = try source.boxes(for: image, named: "y.jpg", maxProposals: 2)
    }
  }
}
