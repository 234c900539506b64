import Testing

@testable import Segmentation

@Suite struct LabelMapTests {
  @Test func relabellingNumbersInRasterOrder() {
    let map = LabelMap(width: 3, height: 2, relabelling: [7, 7, -2, 5, -2, 7])
    #expect(map.labels == [0, 0, 1, 2, 1, 0])
    #expect(map.count == 3)
    #expect(map[x: 0, y: 1] == 2)
  }

  @Test func denseInitKeepsLabels() {
    let map = LabelMap(width: 2, height: 2, labels: [1, 0, 0, 1], count: 2)
    #expect(map[x: 1, y: 0] == 0 && map[x: 1, y: 1] == 1)
  }
}
