import Detectors
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// HOG against scikit-image and its invariants.
@Suite struct HOGDescriptorTests {
  /// scikit-image's `hog` on a 40x32 RGB fixture (Tools/goldens/hog_golden.py). Tolerance
  /// 1e-4: both sides compute in single/double precision from the same 8-bit pixels and the
  /// golden is rounded to 7 decimals; a binning or normalisation mistake moves values by
  /// 1e-2 or more.
  @Test func matchesScikitImageWithHardBinning() throws {
    let data = try Data(contentsOf: Fixtures.url("goldens/hog.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let width = try #require(json["width"] as? Int), height = try #require(json["height"] as? Int)
    let bytes = try #require(json["pixels"] as? [Double])
    let expected = try #require(json["features"] as? [Double])
    let image = Image(
      width: width, height: height, channels: 3, pixels: bytes.map { Float($0 / 255) })
    let features = try HOGDescriptor(interpolatesOrientation: false).features(of: image)
    #expect(features.count == expected.count)
    let worst = zip(features, expected).map { abs(Double($0) - $1) }.max() ?? 1
    #expect(worst < 1e-4, "largest difference \(worst)")
  }

  @Test func shapeAndBlockNormalisation() {
    let hog = HOGDescriptor()
    var pixels = [Float](repeating: 0, count: 48 * 40 * 3)
    for y in 0..<40 {
      for x in 0..<48 {
        for c in 0..<3 { pixels[(y * 48 + x) * 3 + c] = Float((x * 7 + y * 3 + c) % 11) / 10 }
      }
    }
    let image = Image(width: 48, height: 40, channels: 3, pixels: pixels)
    let features = hog.features(of: image)
    // 6x5 cells → 5x4 blocks of 2x2 cells x 9 bins.
    #expect(features.count == 5 * 4 * 36)
    #expect(hog.featureCount(width: 48, height: 40) == features.count)
    for block in 0..<20 {
      let values = features[(block * 36)..<((block + 1) * 36)]
      let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(abs(norm - 1) < 1e-3)
      #expect(values.allSatisfy { $0 >= 0 && $0 <= 0.2 / 0.2 })
    }
    #expect(hog.featureCount(width: 8, height: 8) == 0)
    #expect(hog.features(of: Image(width: 8, height: 8, channels: 3)).isEmpty)
  }

  @Test func verticalEdgeVotesForTheHorizontalGradientBin() throws {
    // A vertical step edge: gradient along x, orientation 0°, which lies on the border of
    // bins 0 [0, 20) and 8 [160, 180): interpolation splits it half and half.
    var pixels = [Float](repeating: 0, count: 16 * 16)
    for y in 0..<16 { for x in 8..<16 { pixels[y * 16 + x] = 1 } }
    let image = Image(width: 16, height: 16, channels: 1, pixels: pixels)
    let hard = try HOGDescriptor(interpolatesOrientation: false).features(of: image)
    #expect(hard.count == 36)
    #expect(hard[0] > 0.1 && hard[4] == 0 && hard[8] == 0)
    let soft = HOGDescriptor().features(of: image)
    #expect(abs(soft[0] - soft[8]) < 1e-5 && soft[0] > 0.1)
  }

  @Test func constantImagesGiveZeros() {
    let features = HOGDescriptor().features(
      of: Image(width: 24, height: 24, channels: 3, repeating: 0.4))
    #expect(features.count == 2 * 2 * 36)
    #expect(features.allSatisfy { $0 == 0 })
  }

  @Test func sizesBelowOneThrowNamingTheFieldAndValue() throws {
    let error = DetectorsError.invalidParameter(
      type: "HOGDescriptor", field: "cellSize", value: "0", expected: "at least 1")
    #expect(throws: error) { try HOGDescriptor(cellSize: 0) }
    #expect(error.description.contains("cellSize") && error.description.contains("0"))
    #expect(throws: DetectorsError.self) { try HOGDescriptor(orientations: -1) }
    #expect(throws: DetectorsError.self) { try HOGDescriptor(blockSize: 0) }
    #expect(try HOGDescriptor(orientations: 9) == HOGDescriptor())
  }
}
