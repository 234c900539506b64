import Boxes
import Testing

@testable import Segmentation

@Suite struct LabelMapRegionsTests {
  @Test func handMadeMap() {
    // 0 0 1
    // 2 0 1
    // 2 2 3   (3 touches 0 diagonally only)
    let map = LabelMap(width: 3, height: 3, labels: [0, 0, 1, 2, 0, 1, 2, 2, 3], count: 4)
    let regions = map.regions()
    #expect(
      regions[0] == Region(size: 3, bounds: Box(x1: 0, y1: 0, x2: 2, y2: 2), neighbours: [1, 2, 3]))
    #expect(
      regions[1] == Region(size: 2, bounds: Box(x1: 2, y1: 0, x2: 3, y2: 2), neighbours: [0, 2, 3]))
    #expect(
      regions[2] == Region(size: 3, bounds: Box(x1: 0, y1: 1, x2: 2, y2: 3), neighbours: [0, 1, 3]))
    #expect(
      regions[3] == Region(size: 1, bounds: Box(x1: 2, y1: 2, x2: 3, y2: 3), neighbours: [0, 1, 2]))
  }

  @Test(arguments: [UInt64(11), 12, 13, 14])
  func matchesBruteForceOnRandomMaps(seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    let width = Int.random(in: 1...25, using: &generator)
    let height = Int.random(in: 1...25, using: &generator)
    let raw = (0..<(width * height)).map { _ in Int.random(in: 0..<6, using: &generator) }
    let map = LabelMap(width: width, height: height, relabelling: raw)
    #expect(map.regions() == bruteForceRegions(map))
  }
}
