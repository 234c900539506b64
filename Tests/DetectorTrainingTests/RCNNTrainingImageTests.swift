import Boxes
import DetectorTraining
import Testing

/// R-CNN's training-sample selection (Girshick et al. 2014, §2.3 and appendix B–C).
@Suite struct RCNNTrainingImageTests {
  @Test func sampleSelectionFollowsThePaper() {
    let item = TinyScenes.images()[0]
    let coder = BoxCoder()
    let regions = item.fineTuningRegions(coder: coder)
    // Ground truth first, with zero deltas; then one region per proposal.
    #expect(regions.count == item.boxes.count + item.proposals.count)
    #expect(
      regions[0].box == item.boxes[0] && regions[0].target == BoxDelta(dx: 0, dy: 0, dw: 0, dh: 0))
    let overlaps = item.bestOverlaps()
    for (p, region) in regions.dropFirst(item.boxes.count).enumerated() {
      #expect((region.label > 0) == (overlaps[p].iou >= 0.5))
    }
    let negatives = item.negativeProposals()
    #expect(negatives.allSatisfy { box in item.boxes.allSatisfy { box.iou($0) < 0.3 } })
    #expect(item.regressionRegions(coder: coder).allSatisfy { $0.label > 0 && $0.target != nil })
  }
}
