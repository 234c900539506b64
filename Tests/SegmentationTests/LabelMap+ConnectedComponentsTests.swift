import Boxes
import Testing

@testable import Segmentation

@Suite struct LabelMapConnectedComponentsTests {
  @Test func diagonalStepsConnect() {
    let map = LabelMap(connectedComponentsOf: [0, 1, 0, 0, 1, 1], width: 3, height: 2)
    #expect(map.labels == [0, 1, 2, 0, 1, 1])
    // A diagonal chain of 5s is one component.
    let chain = LabelMap(connectedComponentsOf: [5, 0, 0, 5], width: 2, height: 2)
    #expect(chain.labels == [0, 1, 1, 0])
  }

  @Test(arguments: [UInt64(21), 22, 23])
  func everyComponentIsOneClassAndMaximal(seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    let width = Int.random(in: 1...20, using: &generator),
      height = Int.random(in: 1...20, using: &generator)
    let classes = (0..<(width * height)).map { _ in Int32.random(in: 0..<3, using: &generator) }
    let map = LabelMap(connectedComponentsOf: classes, width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        for (dx, dy) in [(1, 0), (0, 1), (1, 1), (-1, 1)] {
          let nx = x + dx, ny = y + dy
          guard nx >= 0, nx < width, ny < height else { continue }
          let sameClass = classes[y * width + x] == classes[ny * width + nx]
          #expect(sameClass == (map[x: x, y: y] == map[x: nx, y: ny]))
        }
      }
    }
  }
}
