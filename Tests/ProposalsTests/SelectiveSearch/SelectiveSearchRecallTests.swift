import Boxes
import Datasets
import Foundation
import Imaging
import Proposals
import RegionKitTestSupport
import Testing

/// A recall floor on `Fixtures/dataset` (4 photos, 13 hand-drawn boxes): the fraction of
/// boxes that some proposal covers at IoU >= 0.5 and 0.7, with the fast preset capped at
/// 2000 proposals per image, as R-CNN uses it.
@Suite struct SelectiveSearchRecallTests {
  @Test func fastModeRecallFloorOnTheFixtureDataset() throws {
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    var best: [Float] = []
    for entry in dataset.images {
      let image = try Image(
        contentsOf: dataset.imagesDirectory.appendingPathComponent(entry.fileName))
      let boxes = try SelectiveSearch(mode: .fast, seed: 0, maxProposals: 2000, threads: 2)
        .proposals(for: image).map(\.box)
      for annotation in entry.annotations where !annotation.isCrowd {
        best.append(boxes.map { $0.iou(annotation.box) }.max() ?? 0)
      }
    }
    #expect(best.count == 13)
    let recall05 = Double(best.filter { $0 >= 0.5 }.count) / Double(best.count)
    let recall07 = Double(best.filter { $0 >= 0.7 }.count) / Double(best.count)
    let mabo = best.reduce(0, +) / Float(best.count)
    print(
      "Fixtures/dataset, fast, 2000: recall@0.5 \(recall05), recall@0.7 \(recall07), MABO \(mabo)")
    #expect(recall05 >= 0.9, "recall@0.5 is \(recall05), floor 0.9 (measured 1.0)")
    #expect(mabo >= 0.8, "MABO is \(mabo), floor 0.8 (measured 0.886)")
    #expect(recall07 >= 0.75, "recall@0.7 is \(recall07), floor 0.75 (measured 1.0)")
  }
}
