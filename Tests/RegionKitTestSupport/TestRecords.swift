import Boxes
import Foundation
import ProposalIO

/// A small synthetic record: `count` boxes derived from `index`, or a failed image.
public func testRecord(_ name: String, index: Int, count: Int = 3, error: String? = nil)
  -> ProposalRecord
{
  guard error == nil else {
    return ProposalRecord(image: name, width: 0, height: 0, proposals: [], error: error)
  }
  let proposals = (0..<count).map { rank in
    Proposal(
      box: Box(x1: Float(rank), y1: Float(index), x2: Float(rank + 10), y2: Float(index + 5) + 0.5),
      score: Float(count - rank) / Float(count), provenance: Provenance(method: "test"))
  }
  return ProposalRecord(image: name, width: 64, height: 48, seconds: 0.01, proposals: proposals)
}
