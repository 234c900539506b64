import Foundation
import RegionKit
import RegionKitTestSupport
import Testing

/// The library snippet of README.md, kept compiling and true.
@Suite struct ReadmeExampleTests {
  @Test func librarySnippetRuns() throws {
    let url = Fixtures.url("dataset/images/chelsea.png")
    let image = try Image(contentsOf: url, maxSide: 1024)  // RGB, [0, 1]
    let lab = image.converted(to: .lab)
    let dataset = try Dataset.load(from: Fixtures.url("dataset"))
    let boxes = dataset.images[0].annotations.map(\.box)
    let keep = nonMaximumSuppression(boxes: boxes, scores: boxes.map(\.area), iouThreshold: 0.5)
    let proposals = try SlidingWindow(maxProposals: 100).proposals(for: image)
    #expect(lab.channels == 3 && image.width == 451)
    #expect(!keep.isEmpty && keep.count <= boxes.count)
    #expect(proposals.count == 100)
  }
}
