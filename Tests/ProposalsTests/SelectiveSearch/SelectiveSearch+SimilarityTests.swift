import Boxes
import Imaging
import Testing

@testable import Proposals

@Suite struct SelectiveSearchSimilarityTests {
  @Test func sizeAndFillMatchThePapersFormulas() {
    let bins = PixelBins(rgb: Image(width: 2, height: 1, channels: 3), space: .rgb)
    let histograms = RegionHistograms(
      labels: [0, 1], sizes: [1, 1], regionCount: 2, bins: bins, colour: true, texture: true)
    let sizes = [6, 4]
    let boxes = [Box(x1: 0, y1: 0, x2: 3, y2: 2), Box(x1: 5, y1: 0, x2: 7, y2: 2)]
    let size = SelectiveSearch.Similarity(set: .size, imageSize: 100)
    #expect(
      abs(size(0, 1, histograms: histograms, sizes: sizes, boxes: boxes) - (1 - 10.0 / 100)) < 1e-6)
    // Union box 7 x 2 = 14 pixels, 10 of them in the regions.
    let fill = SelectiveSearch.Similarity(set: .fill, imageSize: 100)
    #expect(
      abs(fill(0, 1, histograms: histograms, sizes: sizes, boxes: boxes) - (1 - 4.0 / 100)) < 1e-6)
    // Both pixels are black: identical histograms intersect to 1 each.
    let all = SelectiveSearch.Similarity(set: .all, imageSize: 100)
    #expect(
      abs(all(0, 1, histograms: histograms, sizes: sizes, boxes: boxes) - (2 + 0.9 + 0.96)) < 1e-5)
  }
}
