import Boxes
import Imaging
import ProposalIO
import Testing

@testable import Proposals

@Suite struct ProposalFilterTests {
  let proposals = [
    Box(x1: 0, y1: 0, x2: 5, y2: 50),  // thin: aspect 10
    Box(x1: 0, y1: 0, x2: 30, y2: 30),
    Box(x1: 0, y1: 0, x2: 8, y2: 8),  // small
    Box(x1: 10, y1: 10, x2: 50, y2: 30),
  ].enumerated().map {
    Proposal(box: $1, score: Float(10 - $0), provenance: Provenance(method: "t"))
  }

  @Test func dropsBySizeAndShapeAndKeepsOrder() {
    let kept = ProposalFilter(minSide: 10, maxAspectRatio: 3).apply(proposals)
    #expect(kept.map(\.box) == [proposals[1].box, proposals[3].box])
    #expect(ProposalFilter(minArea: 100).apply(proposals).count == 3)
    #expect(ProposalFilter(top: 2).apply(proposals) == Array(proposals.prefix(2)))
  }

  @Test func wrapsAnyGenerator() throws {
    let base = FixedGenerator(name: "fixed", boxes: proposals.map(\.box))
    let generator = base.filtered(ProposalFilter(minSide: 10))
    #expect(generator.name == "fixed")
    #expect(try generator.proposals(for: Image(width: 60, height: 60, channels: 3)).count == 2)
  }

  @Test func rejectsBadParameters() {
    #expect(throws: ProposalsError.self) { try ProposalFilter(minSide: -1).validate() }
    #expect(throws: ProposalsError.self) { try ProposalFilter(maxAspectRatio: 0.5).validate() }
    #expect(throws: ProposalsError.self) { try ProposalFilter(top: -3).validate() }
  }
}
