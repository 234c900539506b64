import Testing

@testable import Segmentation

@Suite struct OpenCVGraphSegmentationTests {
  @Test func kernelIsOpenCVs() {
    // cv2.getGaussianKernel(7, 0.8f, CV_32F), OpenCV 5.1.
    let expected: [Float] = [
      0.00044074346078559756, 0.02191031537950039, 0.2283107191324234, 0.49867644906044006,
      0.2283107191324234, 0.02191031537950039, 0.00044074346078559756,
    ]
    #expect(OpenCVGaussianBlur(sigma: Double(Float(0.8))).kernel == expected)
  }

  @Test func reflect101FoldsWithoutRepeatingTheEdge() {
    #expect(
      (-3..<8).map { OpenCVGaussianBlur.reflect101($0, 5) } == [3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1])
    #expect(OpenCVGaussianBlur.reflect101(-4, 2) == 0 && OpenCVGaussianBlur.reflect101(5, 1) == 0)
  }

  @Test func blurKeepsAConstantImageAndSmoothsAStep() {
    let blur = OpenCVGaussianBlur(sigma: 0.8)
    let flat = blur.apply([Float](repeating: 40, count: 9 * 5), width: 9, height: 5, channels: 1)
    #expect(flat.allSatisfy { abs($0 - 40) < 1e-4 })
    // A vertical step 0 | 255: rows are equal, values rise monotonically across the step.
    let step = (0..<(7 * 10)).map { Float($0 % 10 < 5 ? 0 : 255) }
    let blurred = blur.apply(step, width: 10, height: 7, channels: 1)
    for row in 0..<7 {
      let line = Array(blurred[(row * 10)..<(row * 10 + 10)])
      #expect(line == Array(blurred[0..<10]))
      #expect(zip(line, line.dropFirst()).allSatisfy { $0 <= $1 })
    }
  }

  @Test func graphHasEveryNeighbouringPairTwiceSortedByWeight() {
    let (w, h) = (6, 4)
    let bytes = (0..<(w * h * 3)).map { UInt8(($0 * 37) % 256) }
    let graph = OpenCVGraphSegmentation.graph(bytes, width: w, height: h, channels: 3, sigma: 0.8)
    #expect(graph.edges.count == 2 * ((w - 1) * h + w * (h - 1)))
    let weights = graph.edges.map(OpenCVGraphSegmentation.Graph.weight)
    #expect(zip(weights, weights.dropFirst()).allSatisfy { $0 <= $1 })
    var pairs: [Int: Int] = [:]
    for edge in graph.edges {
      let id = Int(edge & 0xFFFF_FFFF)
      let (a, b) = (min(graph.from[id], graph.to[id]), max(graph.from[id], graph.to[id]))
      #expect(b - a == 1 || b - a == Int32(w))
      pairs[Int(a) * w * h + Int(b), default: 0] += 1
    }
    #expect(pairs.values.allSatisfy { $0 == 2 })
  }

  @Test func flatImageIsOneRegionAndLabelsFollowRasterOrder() {
    let flat = OpenCVGraphSegmentation.graph(
      [UInt8](repeating: 90, count: 12 * 9), width: 12, height: 9, channels: 1, sigma: 0.8)
    // The blur's rounding differs between the row's fused and unfused parts by an ulp, so
    // the weights are not all 0; any k above that joins everything.
    let (labels, count) = OpenCVGraphSegmentation(threshold: 1, sigma: 0.8, minimumSize: 1)
      .segment(flat)
    #expect(count == 1 && labels.allSatisfy { $0 == 0 })
    // Two flat halves far apart in value: the halves never merge at a small k.
    let halves = (0..<(20 * 12)).map { UInt8($0 % 20 < 10 ? 0 : 250) }
    let graph = OpenCVGraphSegmentation.graph(
      halves, width: 20, height: 12, channels: 1, sigma: 0.8)
    let (split, parts) = OpenCVGraphSegmentation(threshold: 10, sigma: 0.8, minimumSize: 1)
      .segment(graph)
    #expect(parts >= 2 && split[0] == 0 && split[19] != split[0])
    var next: Int32 = 0
    for label in split where label >= next {
      #expect(label == next, "labels are numbered in raster order of first appearance")
      next += 1
    }
    // The minimum-size pass joins every set smaller than 80 pixels to a neighbour.
    let (joined, joinedCount) = OpenCVGraphSegmentation(threshold: 10, sigma: 0.8, minimumSize: 80)
      .segment(graph)
    var sizes = [Int](repeating: 0, count: joinedCount)
    for label in joined { sizes[Int(label)] += 1 }
    #expect(sizes.allSatisfy { $0 >= 80 } && joinedCount <= parts)
  }
}
