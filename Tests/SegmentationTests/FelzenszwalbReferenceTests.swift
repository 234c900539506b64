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
    let edges = graph.sortedEdges.map { packed in
      let id = Int(packed & 0xFFFF_FFFF)
      let p = id >> 2
      return (
        p: p, q: p + graph.neighbourOffsets[id & 3], weight: Float(bitPattern: UInt32(packed >> 32))
      )
    }
    return paperLoopLabels(
      edges: edges, pixelCount: image.width * image.height, threshold: threshold,
      minimumSize: minimumSize)
  }

  @Test(arguments: [UInt64(11), 12, 13, 14])
  func fastLoopMatchesPaperLoop(seed: UInt64) throws {
    let (image, threshold, minimumSize) = randomFelzenszwalbCase(
      seed: seed, widths: 20...60, heights: 15...45)
    let (width, height) = (image.width, image.height)
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
