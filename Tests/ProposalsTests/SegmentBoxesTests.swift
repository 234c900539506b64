import Boxes
import Imaging
import Testing

@testable import Proposals

@Suite struct SegmentBoxesTests {
  /// Two flat rectangles on a flat background.
  var image: Image {
    var image = Image(width: 64, height: 48, channels: 3, repeating: 0.1)
    for y in 0..<48 {
      for x in 0..<64 {
        let colour: [Float]? =
          (8..<24).contains(x) && (10..<30).contains(y)
          ? [0.9, 0.1, 0.1]
          : (30..<56).contains(x) && (20..<40).contains(y) ? [0.1, 0.9, 0.1] : nil
        if let colour { for c in 0..<3 { image.pixels[(y * 64 + x) * 3 + c] = colour[c] } }
      }
    }
    return image
  }

  @Test func segmentBoxesAndPairUnionsAreProposedOnce() throws {
    let generator = SegmentBoxes(
      segmenters: [.felzenszwalb(threshold: 100), .kMeans(clusters: 3)], minArea: 50)
    let proposals = try generator.proposals(for: image)
    let boxes = proposals.map(\.box)
    #expect(boxes.contains(Box(x1: 8, y1: 10, x2: 24, y2: 30)))
    #expect(boxes.contains(Box(x1: 30, y1: 20, x2: 56, y2: 40)))
    #expect(Set(boxes).count == boxes.count)
    // A filled rectangle has fill 1 and ranks first.
    #expect(proposals.first?.score == 1)
    #expect(zip(proposals, proposals.dropFirst()).allSatisfy { $0.score >= $1.score })
    #expect(proposals.contains { $0.provenance.level == 1 })
    #expect(proposals.allSatisfy { $0.provenance.method == "segments" && $0.box.area >= 50 })
  }

  @Test func withoutPairsOnlyRegionBoxes() throws {
    let proposals = try SegmentBoxes(
      segmenters: [.slic(segments: 12)], includePairs: false, minArea: 0
    ).proposals(for: image)
    #expect(!proposals.isEmpty)
    #expect(proposals.allSatisfy { $0.provenance.level == 0 && $0.provenance.strategy == "slic" })
  }

  @Test func deterministicAndBadInput() throws {
    let generator = SegmentBoxes(segmenters: [.kMeans(clusters: 4)], maxProposals: 7, seed: 3)
    #expect(try generator.proposals(for: image) == generator.proposals(for: image))
    #expect(try generator.proposals(for: image).count <= 7)
    #expect(throws: ProposalsError.self) { try SegmentBoxes(minArea: -1).proposals(for: image) }
    #expect(throws: (any Error).self) {
      try SegmentBoxes(segmenters: [.slic(segments: 0)]).proposals(for: image)
    }
  }
}
