import Boxes
import Imaging
import Testing

@testable import Segmentation

/// The fast merge loop of ``FelzenszwalbSegmentation`` (thresholds cached per root, computed
/// once per union) against the paper's loop written out plainly (Int(C) and k / |C| per edge,
/// checked-array union–find), over the same sorted edges: the label maps must be identical.
@Suite struct FelzenszwalbReferenceTests {
  /// The paper's algorithm on `image` (already blurred, RGB), k in 0–255 units.
  static func referenceLabels(_ image: Image, threshold: Float, minimumSize: Int) -> [Int32] {
    let graph = GridGraph(image: image)
    let n = image.width * image.height
    var parent = Array(0..<n)
    var size = [Int](repeating: 1, count: n)
    var internalDifference = [Float](repeating: 0, count: n)
    func find(_ x: Int) -> Int {
      var x = x
      while parent[x] != x { x = parent[x] }
      return x
    }
    func join(_ a: Int, _ b: Int, _ weight: Float) {
      let (big, small) = (size[a] > size[b] || (size[a] == size[b] && a < b)) ? (a, b) : (b, a)
      parent[small] = big
      size[big] += size[small]
      internalDifference[big] = weight
    }
    let k = Double(threshold) / 255
    let edges = graph.sortedEdges.map { packed in
      let id = Int(packed & 0xFFFF_FFFF)
      let p = id >> 2
      return (p, p + graph.neighbourOffsets[id & 3], Float(bitPattern: UInt32(packed >> 32)))
    }
    for (p, q, weight) in edges {
      let a = find(p), b = find(q)
      if a != b && weight <= internalDifference[a] + Float(k / Double(size[a]))
        && weight <= internalDifference[b] + Float(k / Double(size[b]))
      {
        join(a, b, weight)
      }
    }
    if minimumSize > 1 {
      for (p, q, weight) in edges {
        let a = find(p), b = find(q)
        if a != b && (size[a] < minimumSize || size[b] < minimumSize) { join(a, b, weight) }
      }
    }
    var labelOfRoot = [Int32](repeating: -1, count: n)
    var next: Int32 = 0
    return (0..<n).map { p in
      let r = find(p)
      if labelOfRoot[r] < 0 {
        labelOfRoot[r] = next
        next += 1
      }
      return labelOfRoot[r]
    }
  }

  @Test(arguments: [UInt64(11), 12, 13, 14])
  func fastLoopMatchesPaperLoop(seed: UInt64) throws {
    var generator = SplitMix64(seed: seed)
    let width = Int.random(in: 20...60, using: &generator)
    let height = Int.random(in: 15...45, using: &generator)
    let image = randomImage(width: width, height: height, seed: seed, noise: 0.3)
    let threshold = Float.random(in: 10...400, using: &generator)
    let minimumSize = Int.random(in: 0...30, using: &generator)
    let segmenter = FelzenszwalbSegmentation(
      threshold: threshold, sigma: 0, minimumSize: minimumSize)
    let fast = try segmenter.segment(image).labels.labels
    let reference = Self.referenceLabels(image, threshold: threshold, minimumSize: minimumSize)
    #expect(
      fast == reference, "seed \(seed): \(width)x\(height), k \(threshold), min \(minimumSize)")
  }

  @Test func radixSortWithKnownMaximumMatchesComputedMaximum() {
    var generator = SplitMix64(seed: 21)
    let weights: [Float] = (0..<3000).map { _ in Float.random(in: 0..<1.7, using: &generator) }
    let packed = weights.enumerated().map { UInt64($1.bitPattern) << 32 | UInt64($0) }
    var computed = packed, known = packed
    GridGraph.radixSortByWeight(&computed)
    GridGraph.radixSortByWeight(&known, maxBits: weights.map(\.bitPattern).max())
    #expect(computed == known)
  }
}
