import Boxes
import Imaging
import Testing

@testable import Segmentation

@Suite struct GridGraphTests {
  @Test func holdsEveryEightNeighbourEdgeOnceSortedByWeight() {
    let image = randomImage(width: 13, height: 7, seed: 77, noise: 0.4)
    let graph = GridGraph(image: image)
    let w = 13, h = 7
    #expect(graph.sortedEdges.count == (w - 1) * h + w * (h - 1) + 2 * (w - 1) * (h - 1))
    var seen = Set<Int>()
    var previousKey = -1
    let maxBits = graph.sortedEdges.map { UInt32(truncatingIfNeeded: $0 >> 32) }.max() ?? 0
    let base = GridGraph.keyBase(maxBits: maxBits)
    for packed in graph.sortedEdges {
      let id = Int(packed & 0xFFFF_FFFF)
      #expect(seen.insert(id).inserted)
      let p = id >> 2, q = p + graph.neighbourOffsets[id & 3]
      #expect(q >= 0 && q < w * h)
      #expect(abs(p % w - q % w) <= 1 && abs(p / w - q / w) <= 1)
      // The stored weight is the colour distance of the two pixels.
      var sum: Float = 0
      for c in 0..<3 { let d = image.pixels[3 * p + c] - image.pixels[3 * q + c]; sum += d * d }
      let weight = Float(bitPattern: UInt32(truncatingIfNeeded: packed >> 32))
      #expect(weight == sum.squareRoot())
      let key = GridGraph.sortKey(weight.bitPattern, base: base)
      #expect(key >= previousKey)
      previousKey = key
    }
  }

  @Test func radixSortIsStableAndOrdersByKey() {
    var generator = SplitMix64(seed: 8)
    let weights: [Float] = (0..<2000).map { _ in
      Float(Int.random(in: 0..<50, using: &generator)) / 7
    }
    var edges = weights.enumerated().map { UInt64($1.bitPattern) << 32 | UInt64($0) }
    GridGraph.radixSortByWeight(&edges)
    let expected = weights.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
      .map(\.offset)
    #expect(edges.map { Int($0 & 0xFFFF_FFFF) } == expected)
  }
}
