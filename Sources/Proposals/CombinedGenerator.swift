import Boxes
import Imaging
import ProposalIO

/// The union of several generators: interleaved ranking, then NMS.
///
/// Each generator ranks its own proposals; the combination takes every generator's best,
/// then every generator's second best, and so on (ties go to the earlier generator), so no
/// method's scores need to be comparable with another's. A proposal's score becomes the
/// reciprocal of its rank in its own generator, `1 / (rank + 1)`, and its provenance is kept.
/// Greedy NMS at `iouThreshold` then removes near-duplicates across methods.
///
///     let combined = CombinedGenerator(
///       [EdgeBoxes(maxBoxes: 2000), SegmentBoxes(), SlidingWindow(maxProposals: 500)],
///       iouThreshold: 0.8, maxProposals: 2000)
///     let proposals = try combined.proposals(for: image)
///
/// - Parameters:
///   - generators: The generators to combine, at least one; earlier ones win ties.
///   - iouThreshold: Proposals overlapping a better one by more than this IoU are dropped,
///     in `(0, 1]`; `1` keeps everything but exact duplicates. Default: `0.8`.
///   - maxProposals: At most this many proposals are returned. Default: `10000`.
/// - Complexity: the generators' cost plus O(*N* · *K*) for NMS over *N* proposals keeping *K*.
public struct CombinedGenerator: ProposalGenerator {
  public var generators: [any ProposalGenerator]
  public var iouThreshold: Float
  public var maxProposals: Int

  public init(
    _ generators: [any ProposalGenerator], iouThreshold: Float = 0.8, maxProposals: Int = 10000
  ) {
    self.generators = generators
    self.iouThreshold = iouThreshold
    self.maxProposals = maxProposals
  }

  public var name: String { "combined" }

  public func proposals(for image: Image) throws -> [Proposal] {
    guard !generators.isEmpty else {
      throw ProposalsError.invalidParameter(
        generator: name, field: "generators", value: "[]", expected: "at least one generator")
    }
    guard iouThreshold > 0 && iouThreshold <= 1 else {
      throw ProposalsError.invalidParameter(
        generator: name, field: "iouThreshold", value: "\(iouThreshold)",
        expected: "a value in (0, 1]")
    }
    guard maxProposals >= 0 else {
      throw ProposalsError.invalidParameter(
        generator: name, field: "maxProposals", value: "\(maxProposals)", expected: "0 or more")
    }
    return Self.interleave(
      try generators.map { try $0.proposals(for: image) }, iouThreshold: iouThreshold,
      limit: maxProposals)
  }

  /// Round-robin merge of ranked lists with reciprocal-rank scores, then greedy NMS.
  static func interleave(_ lists: [[Proposal]], iouThreshold: Float, limit: Int) -> [Proposal] {
    var merged: [Proposal] = []
    let longest = lists.map(\.count).max() ?? 0
    for rank in 0..<longest {
      for list in lists where rank < list.count {
        var proposal = list[rank]
        proposal.score = 1 / Float(rank + 1)
        merged.append(proposal)
      }
    }
    var kept: [Proposal] = []
    for proposal in merged {
      if kept.count >= limit { break }
      if kept.contains(where: { $0.box == proposal.box || $0.box.iou(proposal.box) > iouThreshold })
      {
        continue
      }
      kept.append(proposal)
    }
    return kept
  }
}
