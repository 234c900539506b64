import Boxes
import Foundation
import RegionKitTestSupport
import Testing

@testable import Imaging

@Suite struct ColorSpaceTests {
  /// `Fixtures/goldens/color.json`, case `pixels_50`, as a 50x1 RGB image of `k / 255`.
  static func goldenPixels() throws -> (image: Image, golden: GoldenCase) {
    let golden = try GoldenFile("color.json").case("pixels_50")
    let bytes = try golden.tensor("inputs", "pixels_rgb_uint8")
    let image = Image(width: 50, height: 1, channels: 3, pixels: bytes.ints.map { Float($0) / 255 })
    return (image, golden)
  }

  @Test func labMatchesSkimageGolden() throws {
    let (image, golden) = try Self.goldenPixels()
    let expected = try golden.tensor("expected", "skimage_rgb2lab").floats
    let lab = image.converted(to: .lab)
    // color.json README: "skimage Lab ... atol 1e-3 for a Float port".
    #expect(closeMismatch(lab.pixels, expected, atol: 1e-3, rtol: 0) == nil)
    // Lab is computed in Double, so only the final Float rounding remains (values up to 100).
    #expect(maxAbsDifference(lab.pixels, expected) < 2e-5)
  }

  @Test func hsvMatchesSkimageGoldenWithCircularHue() throws {
    let (image, golden) = try Self.goldenPixels()
    let expected = try golden.tensor("expected", "skimage_rgb2hsv").doubles
    let hsv = image.converted(to: .hsv)
    for pixel in 0..<50 {
      for channel in 0..<3 {
        var difference = abs(
          Double(hsv.pixels[pixel * 3 + channel]) - expected[pixel * 3 + channel])
        if channel == 0 { difference = min(difference, 1 - difference) }
        // color.json README: "skimage HSV atol 1e-5 (hue is circular)".
        let got = hsv.pixels[pixel * 3 + channel]
        let want = expected[pixel * 3 + channel]
        #expect(difference <= 1e-5, "pixel \(pixel) channel \(channel): \(got) vs \(want)")
      }
    }
  }

  @Test func openCVBytesEqualOpenCVGolden() throws {
    let (image, golden) = try Self.goldenPixels()
    for (space, key) in [(ColorSpace.lab, "opencv_RGB2Lab_uint8"), (.hsv, "opencv_RGB2HSV_uint8")] {
      let expected = try golden.tensor("expected", key).ints
      let got = image.openCVBytes(in: space).map(Int.init)
      // OpenCV's fixed-point conversions, reproduced byte for byte.
      let differing = zip(got, expected).filter { $0 != $1 }.count
      #expect(got == expected, "\(key): \(differing) bytes differ")
    }
  }

  @Test func openCVBytesFollowOpenCVsFixedPointFormulas() {
    // Values from cv2.cvtColor (OpenCV 5.1) on these RGB bytes.
    let bytes: [[Float]] = [
      [0, 0, 250], [0, 98, 254], [255, 255, 255], [12, 200, 90], [0, 0, 0],
    ]
    let image = Image(
      width: bytes.count, height: 1, channels: 3, pixels: bytes.flatMap { $0.map { $0 / 255 } })
    // Grey: 15-bit weights, so 250 blue gives 28 (28.4958), not 29 as 14-bit weights would.
    #expect(image.openCVBytes(in: .luma) == [28, 86, 255, 131, 0])
    #expect(
      image.openCVBytes(in: .lab) == [
        81, 206, 22, 119, 165, 45, 255, 128, 128, 181, 63, 171, 0, 128, 128,
      ])
    #expect(
      image.openCVBytes(in: .hsv) == [
        120, 255, 250, 108, 255, 254, 0, 0, 255, 72, 240, 200, 0, 0, 0,
      ])
    #expect(image.openCVBytes(in: .hue) == [120, 108, 0, 72, 0])
    #expect(image.openCVBytes(in: .blue) == [250, 254, 255, 90, 0])
    #expect(
      image.openCVBytes(in: .rgLuma) == [
        0, 0, 28, 0, 98, 86, 255, 255, 255, 12, 200, 131, 0, 0, 0,
      ])
  }

  @Test func openCVBytesScalesAndClamps() {
    let image = Image(width: 2, height: 1, channels: 3, pixels: [1, 0.5, 0, 0, 0, 0])
    #expect(image.openCVBytes(in: .rgb) == [255, 128, 0, 0, 0, 0])
    #expect(image.openCVBytes(in: .intensity) == [128, 0])
    // Orange: hue 30 degrees -> 15 in OpenCV's units; black Lab -> (0, 128, 128).
    #expect(image.openCVBytes(in: .hue) == [15, 0])
    #expect(Array(image.openCVBytes(in: .lab)[3...]) == [0, 128, 128])
    // A hue just below 360 degrees rounds to 180 and wraps to 0.
    let almostRed = Image(width: 1, height: 1, channels: 3, pixels: [1, 0, 0.001])
    #expect(almostRed.openCVBytes(in: .hsv)[0] == 0)
  }

  @Test func labOffTheEightBitGridUsesTheExactCurve() {
    // Values that are not k/255 bypass the lookup table; nudging one ulp must change Lab
    // by no more than rounding, and the two paths must agree.
    let table = ColorSpace.linearSRGBTable
    for k in stride(from: 0, through: 255, by: 17) {
      let value = Float(k) / 255
      let onGrid = ColorSpace.lab(red: value, green: 0.5, blue: 0.25, table: table)
      let offGrid = ColorSpace.lab(red: value.nextUp, green: 0.5, blue: 0.25, table: table)
      #expect(abs(onGrid.l - offGrid.l) < 1e-4)
      #expect(abs(onGrid.a - offGrid.a) < 1e-4)
      #expect(abs(table[k] - ColorSpace.linearSRGB(Double(value))) == 0)
    }
    // Both branches of the sRGB curve: 0.04045 is the knee.
    #expect(abs(ColorSpace.linearSRGB(0.04) - 0.04 / 12.92) < 1e-15)
    #expect(abs(ColorSpace.linearSRGB(1) - 1) < 1e-15)
  }

  @Test func cubeRootMatchesLibm() {
    // The companded range of Lab: t in (0.008856, ~1.1] for sRGB inputs, plus a margin.
    var worst = 0.0
    var x = 0.008
    while x < 1.2 {
      worst = max(worst, abs(ColorSpace.cubeRoot(x) - cbrt(x)) / cbrt(x))
      x += 1.7e-5
    }
    #expect(worst < 1e-14)
    #expect(ColorSpace.cubeRoot(8) == 2)
    #expect(abs(ColorSpace.cubeRoot(1e-30) - 1e-10) < 1e-24)
    #expect(abs(ColorSpace.cubeRoot(1000) - 10) < 1e-13)
  }

  @Test func knownHSVValues() {
    let image = Image(
      width: 6, height: 1, channels: 3,
      pixels: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0.5, 0.5, 0.5, 0, 0, 0])
    let hsv = image.converted(to: .hsv).pixels
    let expected: [Float] = [
      0, 1, 1, 1.0 / 3, 1, 1, 2.0 / 3, 1, 1, 1.0 / 6, 1, 1, 0, 0, 0.5, 0, 0, 0,
    ]
    #expect(closeMismatch(hsv, expected, atol: 1e-6, rtol: 0) == nil)
    // Magenta-ish hue just below 1 wraps into [0, 1).
    let pink = Image(width: 1, height: 1, channels: 3, pixels: [1, 0, 0.001]).converted(to: .hsv)
    #expect(pink.pixels[0] < 1 && pink.pixels[0] > 0.99)
  }

  @Test func rgiIntensityAndHueChannels() {
    var random = SplitMix64(seed: 7)
    var image = random.image(width: 5, height: 4, channels: 3)
    image[x: 0, y: 0, channel: 0] = 0
    image[x: 0, y: 0, channel: 1] = 0
    image[x: 0, y: 0, channel: 2] = 0
    let rgi = image.converted(to: .rgi)
    let intensity = image.converted(to: .intensity)
    let hue = image.converted(to: .hue)
    let hsv = image.converted(to: .hsv)
    #expect(rgi.channels == 3 && intensity.channels == 1 && hue.channels == 1)
    // Black: the documented grey chromaticity and zero intensity.
    #expect(rgi.pixels[0] == 1 / 3 && rgi.pixels[1] == 1 / 3 && rgi.pixels[2] == 0)
    for p in 1..<20 {
      let r = image.pixels[3 * p]
      let g = image.pixels[3 * p + 1]
      let b = image.pixels[3 * p + 2]
      let sum = r + g + b
      #expect(abs(rgi.pixels[3 * p] - r / sum) < 1e-6)
      #expect(abs(rgi.pixels[3 * p + 1] - g / sum) < 1e-6)
      #expect(abs(rgi.pixels[3 * p + 2] - sum / 3) < 1e-6)
      #expect(intensity.pixels[p] == rgi.pixels[3 * p + 2])
      #expect(hue.pixels[p] == hsv.pixels[3 * p])
    }
    #expect(image.converted(to: .rgb) == image)
  }

  @Test func openCVLumaAndRGLumaChannels() {
    // Red, green, blue, white, black: BT.601 luma is 0.299, 0.587, 0.114, 1, 0.
    let primaries = Image(
      width: 5, height: 1, channels: 3,
      pixels: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0])
    let luma = primaries.converted(to: .luma)
    #expect(luma.channels == 1)
    #expect(closeMismatch(luma.pixels, [0.299, 0.587, 0.114, 1, 0], atol: 1e-6, rtol: 0) == nil)
    var random = SplitMix64(seed: 11)
    let image = random.image(width: 5, height: 4, channels: 3)
    let grey = image.grayscale(weights: .rec601)
    #expect(image.converted(to: .luma) == grey)
    let rgLuma = image.converted(to: .rgLuma)
    #expect(rgLuma.channels == 3)
    for p in 0..<20 {
      #expect(rgLuma.pixels[3 * p] == image.pixels[3 * p])
      #expect(rgLuma.pixels[3 * p + 1] == image.pixels[3 * p + 1])
      #expect(rgLuma.pixels[3 * p + 2] == grey.pixels[p])
    }
    #expect(ColorSpace(rawValue: "rg-luma") == .rgLuma)
    let blue = image.converted(to: .blue)
    #expect(blue.channels == 1 && blue.pixels == (0..<20).map { image.pixels[3 * $0 + 2] })
    // OpenCV's grey image as bytes: value * 255, rounded.
    #expect(primaries.openCVBytes(in: .luma) == [76, 150, 29, 255, 0])
  }

  @Test func channelRangesContainEveryConvertedColour() {
    // A 17-level grid of the RGB cube includes its corners, where Lab's a/b extremes lie.
    let levels = 17
    var pixels: [Float] = []
    for r in 0..<levels {
      for g in 0..<levels {
        for b in 0..<levels {
          pixels += [Float(r), Float(g), Float(b)].map { $0 / Float(levels - 1) }
        }
      }
    }
    let cube = Image(width: levels * levels, height: levels, channels: 3, pixels: pixels)
    for space in ColorSpace.allCases {
      let converted = cube.converted(to: space)
      let ranges = space.channelRanges
      #expect(ranges.count == space.channelCount && space.channelNames.count == space.channelCount)
      #expect(converted.channels == space.channelCount)
      for channel in 0..<space.channelCount {
        let values = stride(from: channel, to: converted.pixels.count, by: space.channelCount)
          .map { converted.pixels[$0] }
        let low = values.min()!
        let high = values.max()!
        #expect(low >= ranges[channel].lowerBound - 1e-4, "\(space) channel \(channel) min \(low)")
        #expect(
          high <= ranges[channel].upperBound + 1e-4, "\(space) channel \(channel) max \(high)")
        if space == .lab {
          // The stated bounds are tight: the cube's corners reach them within 0.01.
          #expect(
            low - ranges[channel].lowerBound < 0.011 && ranges[channel].upperBound - high < 0.011)
        }
      }
    }
  }
}
