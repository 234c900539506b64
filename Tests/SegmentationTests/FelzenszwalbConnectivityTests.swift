import Boxes
import Imaging
import Testing

@testable import Segmentation

/// ``FelzenszwalbSegmentation`` with ``PixelConnectivity/four`` (OpenCV's graph) against a
/// brute-force reference that builds the 4-connected edge list with plain loops, sorts it
/// with the standard library (stable on the same 16-bit weight key, ties by edge id) and runs
/// the paper's loop; plus invariants of 4-connected segmentations.
@Suite struct FelzenszwalbConnectivityTests {
  /// The paper's algorithm on the 4-connected graph of `image` (already blurred), k in 0–255.
  static func bruteForceFourConnected(
    _ image: Image, threshold: Float, minimumSize: Int
  ) -> [Int32] {
    let w = image.width, h = image.height, c = image.channels
    func weight(_ p: Int, _ q: Int) -> Float {
      var sum: Float = 0
      for k in 0..<c {
        let d = image.pixels[p * c + k] - image.pixels[q * c + k]
        sum += d * d
      }
      return sum.squareRoot()
    }
    var edges: [(id: Int, p: Int, q: Int, weight: Float)] = []
    for y in 0..<h {
      for x in 0..<w {
        let p = y * w + x
        if x + 1 < w { edges.append((4 * p, p, p + 1, weight(p, p + 1))) }
        if y + 1 < h { edges.append((4 * p + 1, p, p + w, weight(p, p + w))) }
      }
    }
    let maxBits = edges.map(\.weight.bitPattern).max() ?? 0
    let base = GridGraph.keyBase(maxBits: maxBits)
    let key = { (e: (id: Int, p: Int, q: Int, weight: Float)) in
      GridGraph.sortKey(e.weight.bitPattern, base: base)
    }
    edges.sort { key($0) != key($1) ? key($0) < key($1) : $0.id < $1.id }
    return paperLoopLabels(
      edges: edges.map { (p: $0.p, q: $0.q, weight: $0.weight) }, pixelCount: w * h,
      threshold: threshold, minimumSize: minimumSize)
  }

  /// Number of 4-connected pieces of equal labels (flood fill).
  static func fourConnectedPieces(_ map: LabelMap) -> Int {
    let w = map.width, h = map.height
    var seen = [Bool](repeating: false, count: w * h)
    var pieces = 0
    for start in 0..<(w * h) where !seen[start] {
      pieces += 1
      seen[start] = true
      var stack = [start]
      while let p = stack.popLast() {
        let x = p % w, y = p / w
        for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
        where nx >= 0 && ny >= 0 && nx < w && ny < h {
          let q = ny * w + nx
          if !seen[q] && map.labels[q] == map.labels[p] {
            seen[q] = true
            stack.append(q)
          }
        }
      }
    }
    return pieces
  }

  @Test(arguments: [UInt64(31), 32, 33, 34])
  func fourConnectedMatchesBruteForce(seed: UInt64) throws {
    let (image, threshold, minimumSize) = randomFelzenszwalbCase(
      seed: seed, widths: 1...50, heights: 1...40)
    let (width, height) = (image.width, image.height)
    let segmenter = FelzenszwalbSegmentation(
      threshold: threshold, sigma: 0, minimumSize: minimumSize, connectivity: .four)
    let labels = try segmenter.segment(image).labels.labels
    let reference = Self.bruteForceFourConnected(
      image, threshold: threshold, minimumSize: minimumSize)
    #expect(
      labels == reference, "seed \(seed): \(width)x\(height), k \(threshold), min \(minimumSize)")
  }

  @Test(arguments: [UInt64(41), 42])
  func fourConnectedSegmentsAreFourConnectedAndLargeEnough(seed: UInt64) throws {
    let image = randomImage(width: 64, height: 48, seed: seed, blobs: 6, noise: 0.2)
    let minimumSize = 15
    let result = try FelzenszwalbSegmentation(
      threshold: 200, sigma: 0.8, minimumSize: minimumSize, connectivity: .four
    ).segment(image)
    let map = result.labels
    // Merges only follow 4-neighbour edges, so every segment is one 4-connected piece.
    #expect(Self.fourConnectedPieces(map) == map.count)
    #expect(result.regions.allSatisfy { $0.size >= minimumSize })
    #expect(result.regions.map(\.size).reduce(0, +) == 64 * 48)
    #expect(map.labels.allSatisfy { $0 >= 0 && Int($0) < map.count })
  }

  @Test func defaultIsEightConnected() throws {
    let image = randomImage(width: 40, height: 30, seed: 5, noise: 0.3)
    let byDefault = try FelzenszwalbSegmentation(threshold: 100, sigma: 0).segment(image)
    let eight = try FelzenszwalbSegmentation(threshold: 100, sigma: 0, connectivity: .eight)
      .segment(image)
    let four = try FelzenszwalbSegmentation(threshold: 100, sigma: 0, connectivity: .four)
      .segment(image)
    #expect(FelzenszwalbSegmentation().connectivity == .eight)
    #expect(byDefault.labels == eight.labels)
    #expect(four.labels != eight.labels)
  }
}
