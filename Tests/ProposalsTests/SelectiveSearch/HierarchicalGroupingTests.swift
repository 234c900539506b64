import Boxes
import Imaging
import Segmentation
import Testing

@testable import Proposals

@Suite struct HierarchicalGroupingTests {
  /// Regions in a row, each `width` pixels wide and 1 tall, each touching the next.
  static func row(_ widths: [Int]) -> [Region] {
    var x = 0
    return widths.enumerated().map { index, width in
      defer { x += width }
      let neighbours = [index - 1, index + 1].filter { $0 >= 0 && $0 < widths.count }
      return Region(
        size: width, bounds: Box(x1: Float(x), y1: 0, x2: Float(x + width), y2: 1),
        neighbours: neighbours)
    }
  }

  static func empty(_ count: Int) -> RegionHistograms {
    let bins = PixelBins(rgb: Image(width: count, height: 1, channels: 3), space: .rgb)
    return RegionHistograms(
      labels: (0..<count).map { Int32($0) }, sizes: [Int](repeating: 1, count: count),
      regionCount: count, bins: bins, colour: false, texture: false)
  }

  @Test func sizeSimilarityMergesTheSmallestPairFirst() {
    let regions = Self.row([10, 1, 1, 10, 30])
    let hierarchy = HierarchicalGrouping.group(
      regions: regions, histograms: Self.empty(5),
      similarity: .init(set: .size, imageSize: 52))
    #expect(hierarchy.count == 9)
    // The first merge is the smallest pair, regions 1 and 2 (2 pixels).
    #expect(hierarchy.boxes[5] == Box(x1: 10, y1: 0, x2: 12, y2: 1))
    #expect(hierarchy.sizes[5] == 2)
    #expect(hierarchy.sizes[8] == 52)
    #expect(hierarchy.boxes[8] == Box(x1: 0, y1: 0, x2: 52, y2: 1))
    #expect(hierarchy.position(of: 8) == 1 && hierarchy.position(of: 0) == 9)
    #expect(hierarchy.parent[8] == -1)
    #if REGIONKIT_INTERNAL_CHECKS
      hierarchy.checkInvariants()
    #endif
  }

  @Test func fillPrefersRegionsThatFillTheirBox() {
    // A 2x2 grid of 1-pixel regions plus a long bar; fill merges the compact pairs first.
    let regions = [
      Region(size: 1, bounds: Box(x1: 0, y1: 0, x2: 1, y2: 1), neighbours: [1, 2]),
      Region(size: 1, bounds: Box(x1: 1, y1: 0, x2: 2, y2: 1), neighbours: [0, 3]),
      Region(size: 1, bounds: Box(x1: 0, y1: 1, x2: 1, y2: 2), neighbours: [0, 3]),
      Region(size: 1, bounds: Box(x1: 1, y1: 1, x2: 2, y2: 2), neighbours: [1, 2]),
    ]
    let hierarchy = HierarchicalGrouping.group(
      regions: regions, histograms: Self.empty(4), similarity: .init(set: .fill, imageSize: 4))
    #expect(hierarchy.count == 7)
    #expect(hierarchy.boxes[6] == Box(x1: 0, y1: 0, x2: 2, y2: 2))
    #expect(hierarchy.sizes[6] == 4)
  }

  @Test func singleRegionGivesOneNode() {
    let hierarchy = HierarchicalGrouping.group(
      regions: [Region(size: 6, bounds: Box(x1: 0, y1: 0, x2: 3, y2: 2), neighbours: [])],
      histograms: Self.empty(1), similarity: .init(set: .all, imageSize: 6))
    #expect(hierarchy.count == 1 && hierarchy.position(of: 0) == 1)
  }

  @Test func candidatesOrderBySimilarityThenLowerSlots() {
    typealias C = HierarchicalGrouping.Candidate
    let low = C(similarity: 0.5, a: 0, b: 3, versionA: 0, versionB: 0)
    let high = C(similarity: 0.5, a: 1, b: 2, versionA: 0, versionB: 0)
    #expect(high < low, "equal similarity: the pair with lower slots is the larger")
    #expect(C(similarity: 0.4, a: 0, b: 1, versionA: 0, versionB: 0) < high)
  }
}
