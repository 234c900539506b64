import Boxes
import Datasets
import Foundation
import ProposalIO

/// A small synthetic dataset and a proposals file for it, for the R-CNN and Fast R-CNN
/// training tests.
enum ProposalsFileFixture {
  /// Six 32x32 single-shape images in `folder/data`.
  static func dataset(in folder: URL) throws -> Dataset {
    try SyntheticShapes(width: 32, height: 32).writeCOCO(
      count: 6, seed: 8, to: folder.appendingPathComponent("data"))
  }

  /// Writes `folder/<name>` (`.jsonl` or `.npz`) with proposals for every image of `dataset`
  /// except `leavingOut`: each object's box jittered and a coarse grid. JSON Lines records
  /// say the boxes are for an image twice the size, so readers must rescale them.
  static func write(
    _ name: String, for dataset: Dataset, leavingOut: Set<String> = [], in folder: URL
  ) throws -> URL {
    let url = folder.appendingPathComponent(name)
    let scale: Float = name.hasSuffix(".jsonl") ? 2 : 1
    let records = dataset.images.filter { !leavingOut.contains($0.fileName) }.map { image in
      var boxes: [Box] = []
      for annotation in image.annotations {
        let b = annotation.box
        for (dx, dy) in [(0, 0), (1, 1), (-1, 0), (2, -1)] as [(Float, Float)] {
          boxes.append(Box(x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy))
        }
      }
      for y in stride(from: 0, to: 24, by: 8) {
        for x in stride(from: 0, to: 24, by: 8) {
          boxes.append(Box(x1: Float(x), y1: Float(y), x2: Float(x + 12), y2: Float(y + 12)))
        }
      }
      let proposals = boxes.enumerated().map { index, box in
        Proposal(
          box: Box(x1: box.x1 * scale, y1: box.y1 * scale, x2: box.x2 * scale, y2: box.y2 * scale),
          score: 1 - Float(index) / 100, provenance: Provenance(method: "test"))
      }
      return ProposalRecord(
        image: image.fileName, width: Int(scale) * image.width, height: Int(scale) * image.height,
        proposals: proposals)
    }
    if name.hasSuffix(".npz") {
      try ProposalArrays.write(records, to: url)
    } else {
      try ProposalFile.write(records, to: url)
    }
    return url
  }
}
