import Boxes
import Imaging
import ProposalIO
import Testing

@testable import Proposals

/// A generator that returns fixed boxes, best first.
struct FixedGenerator: ProposalGenerator {
  var name: String
  var boxes: [Box]
  func proposals(for image: Image) throws -> [Proposal] {
    boxes.enumerated().map {
      Proposal(box: $1, score: Float(100 - $0), provenance: Provenance(method: name))
    }
  }
}

@Suite struct CombinedGeneratorTests {
  let image = Image(width: 100, height: 100, channels: 3)
  let a = FixedGenerator(
    name: "a", boxes: [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 50, y1: 50, x2: 90, y2: 90)])
  let b = FixedGenerator(
    name: "b",
    boxes: [
      Box(x1: 20, y1: 20, x2: 40, y2: 40), Box(x1: 0, y1: 0, x2: 10, y2: 11),
      Box(x1: 60, y1: 0, x2: 99, y2: 30),
    ])

  @Test func interleavesRanksAndKeepsProvenance() throws {
    let combined = try CombinedGenerator([a, b], iouThreshold: 1).proposals(for: image)
    #expect(combined.map(\.provenance.method) == ["a", "b", "a", "b", "b"])
    #expect(combined.map(\.score) == [1, 1, 0.5, 0.5, 1.0 / 3])
  }

  @Test func suppressesNearDuplicatesAcrossGenerators() throws {
    let combined = try CombinedGenerator([a, b], iouThreshold: 0.8).proposals(for: image)
    // b's second box overlaps a's first by IoU 10/11 and goes.
    #expect(combined.count == 4)
    #expect(!combined.contains { $0.box == Box(x1: 0, y1: 0, x2: 10, y2: 11) })
    #expect(try CombinedGenerator([a, b], maxProposals: 2).proposals(for: image).count == 2)
  }

  @Test func rejectsBadThresholds() {
    #expect(throws: ProposalsError.self) {
      try CombinedGenerator([a], iouThreshold: 0).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try CombinedGenerator([a], maxProposals: -1).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      try CombinedGenerator([]).proposals(for: image)
    }
  }
}
