import Boxes
import Imaging
import RegionKitTestSupport
import Testing

@testable import Segmentation

@Suite struct FelzenszwalbSegmentationTests {
  /// The three 64x48 images of `Fixtures/goldens/segmentation.json`, as [0, 1] RGB.
  static func goldenImages(_ golden: GoldenFile) throws -> [String: Image] {
    let images = try #require(golden.root["images"] as? [[String: Any]])
    var result: [String: Image] = [:]
    for entry in images {
      let record = GoldenCase(object: entry, file: golden.name)
      let tensor = try record.tensor("pixels_rgb")
      result[record.object["name"] as? String ?? ""] = Image(
        width: tensor.shape[1], height: tensor.shape[0], channels: 3,
        pixels: tensor.doubles.map { Float($0) / 255 })
    }
    return result
  }

  /// Golden: segmentation.json, every case and every skimage run (scale, sigma, min_size).
  /// Tolerance (golden README): |n - n_ref| <= max(2, 0.3 n_ref) and ARI >= 0.9.
  @Test func matchesScikitImageGoldens() throws {
    let golden = try GoldenFile("segmentation.json")
    let images = try Self.goldenImages(golden)
    let runs: [(key: String, threshold: Float, sigma: Float, minimumSize: Int)] = [
      ("skimage_scale100_sigma0.5_min20", 100, 0.5, 20),
      ("skimage_scale300_sigma0.8_min50", 300, 0.8, 50),
      ("skimage_scale300_sigma0.5_min50", 300, 0.5, 50),
    ]
    for testCase in golden.cases {
      let imageName = try #require(testCase.object["image"] as? String)
      let image = try #require(images[imageName])
      for run in runs {
        let expected = try testCase.object("expected", run.key)
        let count = try #require(expected.object["num_segments"] as? Int)
        let reference = try expected.tensor("labels").ints
        let result = try FelzenszwalbSegmentation(
          threshold: run.threshold, sigma: run.sigma, minimumSize: run.minimumSize
        ).segment(image)
        let ari = adjustedRandIndex(result.labels.labels.map { Int($0) }, reference)
        print(
          "FH golden \(imageName) \(run.key): segments \(result.labels.count) vs \(count), ARI \(ari)"
        )
        #expect(
          abs(result.labels.count - count) <= max(2, Int(0.3 * Double(count))),
          "\(imageName) \(run.key): \(result.labels.count) segments vs \(count)")
        #expect(ari >= 0.9, "\(imageName) \(run.key): ARI \(ari) < 0.9")
      }
    }
  }

  @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
  func invariantsOnRandomImages(seed: UInt64) throws {
    var generator = SplitMix64(seed: seed)
    let width = Int.random(in: 1...40, using: &generator)
    let height = Int.random(in: 1...30, using: &generator)
    let image = randomImage(width: width, height: height, seed: seed)
    let minimumSize = Int.random(in: 0...40, using: &generator)
    let space = ColorSpace.allCases.filter { $0.channelCount == 3 }[Int(seed) % 4]
    let result = try FelzenszwalbSegmentation(
      threshold: Float.random(in: 0...500, using: &generator), sigma: 0.8, minimumSize: minimumSize,
      colorSpace: space
    ).segment(image)
    #expect(segmentationInvariantViolation(result, width: width, height: height) == nil)
    let smallest = result.regions.map(\.size).min() ?? 0
    #expect(smallest >= min(minimumSize, width * height), "region of \(smallest) < \(minimumSize)")
  }

  @Test func isDeterministic() throws {
    let image = randomImage(width: 50, height: 40, seed: 9)
    let segmenter = FelzenszwalbSegmentation(threshold: 200, sigma: 0.5, minimumSize: 10)
    #expect(try segmenter.segment(image) == segmenter.segment(image))
  }

  @Test func flatImageIsOneRegion() throws {
    let image = Image(width: 20, height: 10, channels: 3, repeating: 0.3)
    let result = try FelzenszwalbSegmentation().segment(image)
    #expect(result.labels.count == 1)
    #expect(
      result.regions == [
        Region(size: 200, bounds: .init(x1: 0, y1: 0, x2: 20, y2: 10), neighbours: [])
      ])
  }

  @Test func twoHalvesGiveTwoRegions() throws {
    var image = Image(width: 30, height: 20, channels: 3, repeating: 0)
    for y in 0..<20 { for x in 15..<30 { for c in 0..<3 { image[x: x, y: y, channel: c] = 1 } } }
    let result = try FelzenszwalbSegmentation(threshold: 100, sigma: 0, minimumSize: 0).segment(
      image)
    #expect(result.labels.count == 2)
    #expect(result.labels[x: 0, y: 0] == 0 && result.labels[x: 29, y: 19] == 1)
    #expect(result.regions[0].neighbours == [1] && result.regions[1].neighbours == [0])
    #expect(result.regions[1].bounds == .init(x1: 15, y1: 0, x2: 30, y2: 20))
  }

  @Test func zeroThresholdWithoutMinimumSizeKeepsDistinctPixelsApart() throws {
    // Every neighbouring pair differs, so with k = 0 no edge satisfies w <= 0.
    let image = Image(
      width: 4, height: 1, channels: 1, pixels: [0, 0.25, 0.5, 1])
    let result = try FelzenszwalbSegmentation(threshold: 0, sigma: 0, minimumSize: 0).segment(image)
    #expect(result.labels.labels == [0, 1, 2, 3])
  }

  @Test func segmentingWithSeveralSegmentersEqualsSeparateRuns() throws {
    let image = randomImage(width: 37, height: 23, seed: 4)
    let segmenters = [
      FelzenszwalbSegmentation(threshold: 50, sigma: 0.8, minimumSize: 5, colorSpace: .hsv),
      FelzenszwalbSegmentation(threshold: 300, sigma: 0.8, minimumSize: 20, colorSpace: .lab),
      FelzenszwalbSegmentation(threshold: 150, sigma: 0.8, minimumSize: 0, colorSpace: .hsv),
      FelzenszwalbSegmentation(threshold: 150, sigma: 0.5, minimumSize: 10, colorSpace: .hsv),
      FelzenszwalbSegmentation(
        threshold: 150, sigma: 0.8, minimumSize: 10, colorSpace: .hsv, channelWeights: [0.5, 1, 1]),
      FelzenszwalbSegmentation(
        threshold: 150, sigma: 0.8, minimumSize: 10, colorSpace: .hsv, connectivity: .four),
      FelzenszwalbSegmentation(
        threshold: 150, sigma: 0.8, minimumSize: 10, colorSpace: .hsv, connectivity: .four,
        quantizesToEightBits: true),
    ]
    let together = try FelzenszwalbSegmentation.segment(image, with: segmenters)
    #expect(together == (try segmenters.map { try $0.segment(image) }))
    #expect(try FelzenszwalbSegmentation.segment(image, with: []).isEmpty)
  }

  @Test func quantizingToEightBitsSegmentsTheRoundedImage() throws {
    // In RGB the scaled channels are the samples, so rounding them first is the same as
    // segmenting an 8-bit copy of the image.
    let image = randomImage(width: 31, height: 17, seed: 12, blobs: 4)
    var eightBit = image
    eightBit.roundToEightBits()
    #expect(eightBit != image)
    for connectivity in PixelConnectivity.allCases {
      let rounding = FelzenszwalbSegmentation(
        threshold: 120, sigma: 0.8, minimumSize: 8, connectivity: connectivity,
        quantizesToEightBits: true)
      var exact = rounding
      exact.quantizesToEightBits = false
      #expect(try rounding.segment(image) == (try exact.segment(eightBit)))
      #expect(!rounding.sharesGraph(with: exact))
    }
    // Steps below half a level vanish: with k = 0 only equal neighbours merge.
    let ramp = Image(width: 4, height: 1, channels: 1, pixels: [0, 0.0005, 0.001, 0.0015])
    let split = FelzenszwalbSegmentation(threshold: 0, sigma: 0, minimumSize: 0)
    var merged = split
    merged.quantizesToEightBits = true
    #expect(try split.segment(ramp).regions.count == 4)
    #expect(try merged.segment(ramp).regions.count == 1)
  }

  @Test func channelWeightsScaleTheColourDistances() throws {
    // Left and right halves differ only in hue (red vs green at full saturation and value).
    var image = Image(width: 20, height: 10, channels: 3, repeating: 0)
    for y in 0..<10 {
      for x in 0..<20 { image[x: x, y: y, channel: x < 10 ? 0 : 1] = 1 }
    }
    func regions(_ weights: [Float]?) throws -> Int {
      try FelzenszwalbSegmentation(
        threshold: 100, sigma: 0, minimumSize: 0, colorSpace: .hsv, channelWeights: weights
      ).segment(image).regions.count
    }
    #expect(try regions(nil) == 2)
    #expect(try regions([1, 1, 1]) == 2)
    #expect(try regions([0, 1, 1]) == 1)
    let unweighted = try FelzenszwalbSegmentation(colorSpace: .lab).segment(image)
    #expect(
      try FelzenszwalbSegmentation(colorSpace: .lab, channelWeights: [1, 1, 1]).segment(image)
        == unweighted)
  }

  @Test func rejectsBadChannelWeights() {
    let image = Image(width: 4, height: 4, channels: 3)
    for weights: [Float] in [[1, 1], [1, -1, 1], [1, .nan, 1], [1, 1, 1, 1]] {
      #expect(throws: SegmentationError.self, "\(weights)") {
        try FelzenszwalbSegmentation(colorSpace: .hsv, channelWeights: weights).segment(image)
      }
    }
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation(colorSpace: .hue, channelWeights: [1, 1, 1]).segment(image)
    }
    #expect(throws: Never.self) {
      try FelzenszwalbSegmentation(colorSpace: .hue, channelWeights: [0.5]).segment(image)
    }
  }

  @Test func rejectsBadParameters() {
    let image = Image(width: 4, height: 4, channels: 3)
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation(threshold: -1).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation(sigma: .nan).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation(minimumSize: -3).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation().segment(Image(width: 4, height: 4, channels: 2))
    }
  }
}
