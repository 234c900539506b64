import Boxes
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct GaussianBlurTests {
  /// The 6x5 test pattern `((7x + 13y) mod 11) / 10`, shared with the scipy snippet below.
  static let pattern: Image = {
    var pixels: [Float] = []
    for y in 0..<5 {
      for x in 0..<6 { pixels.append(Float((x * 7 + y * 13) % 11) / 10) }
    }
    return Image(width: 6, height: 5, channels: 1, pixels: pixels)
  }()

  // Generated once with scipy 1.17.1 (float64):
  //   import numpy as np; from scipy import ndimage
  //   a = np.array([[((x*7 + y*13) % 11) / 10 for x in range(6)] for y in range(5)])
  //   ndimage.gaussian_filter(a, sigma, mode=mode)   # printed with '%.7g'
  static let scipyCases: [(sigma: Float, border: BorderMode, mode: String, expected: [Float])] = [
    (
      0.8, .reflect, "reflect",
      [
        0.2351442, 0.4802055, 0.535915, 0.632793, 0.575138, 0.3704288, 0.31758, 0.4888838,
        0.5035791,
        0.5055579, 0.588649, 0.4980735, 0.3750271, 0.3993442, 0.498945, 0.501055, 0.6006558,
        0.6249729,
        0.5019265, 0.411351, 0.4944421, 0.4964209, 0.5111162, 0.68242, 0.6295712, 0.424862,
        0.367207,
        0.464085, 0.5197945, 0.7648558,
      ]
    ),
    (
      1.0, .reflect101, "mirror",
      [
        0.4574541, 0.4990482, 0.5206657, 0.5403365, 0.5633631, 0.5502052, 0.4350806, 0.4744102,
        0.5028903, 0.5254304, 0.5746958, 0.5848169, 0.3920278, 0.4268016, 0.4845308, 0.5154692,
        0.5731984, 0.6079722, 0.4151831, 0.4253042, 0.4745696, 0.4971097, 0.5255898, 0.5649194,
        0.4497948, 0.4366369, 0.4596635, 0.4793343, 0.5009518, 0.5425459,
      ]
    ),
    // Radius 8 exceeds both sides of the image: the border reflects more than once.
    (
      2.0, .reflect, "reflect",
      [
        0.4226767, 0.4470277, 0.481616, 0.5098661, 0.5243359, 0.5284555, 0.4308926, 0.4516954,
        0.4829457, 0.5117652, 0.5306129, 0.5389431, 0.4452701, 0.460042, 0.4854135, 0.5145865,
        0.539958, 0.5547299, 0.4610569, 0.4693871, 0.4882348, 0.5170543, 0.5483046, 0.5691074,
        0.4715445, 0.4756641, 0.4901339, 0.518384, 0.5529723, 0.5773233,
      ]
    ),
    (
      1.5, .replicate, "nearest",
      [
        0.2855124, 0.4046204, 0.5012844, 0.5414636, 0.5126396, 0.4384836, 0.3447016, 0.4224176,
        0.4902596, 0.5288447, 0.5304367, 0.5025285, 0.4192808, 0.4451933, 0.4807075, 0.5192925,
        0.5548067, 0.5807192, 0.4974715, 0.4695633, 0.4711553, 0.5097404, 0.5775824, 0.6552984,
        0.5615164, 0.4873604, 0.4585364, 0.4987156, 0.5953796, 0.7144876,
      ]
    ),
  ]

  @Test func matchesScipyGaussianFilter() {
    for testCase in Self.scipyCases {
      let blurred = Self.pattern.gaussianBlurred(sigma: testCase.sigma, border: testCase.border)
      // Float accumulation vs scipy's float64; literals carry 7 significant digits.
      #expect(
        closeMismatch(blurred.pixels, testCase.expected, atol: 2e-6, rtol: 0) == nil,
        "sigma \(testCase.sigma), scipy mode \(testCase.mode)")
    }
  }

  @Test func kernelFollowsScipyRadiusRule() {
    // scipy: radius = int(4 * sigma + 0.5).
    #expect(Image.gaussianKernel(sigma: 0).count == 1)
    #expect(Image.gaussianKernel(sigma: 0.1).count == 1)
    #expect(Image.gaussianKernel(sigma: 0.5).count == 5)
    #expect(Image.gaussianKernel(sigma: 0.8).count == 7)
    #expect(Image.gaussianKernel(sigma: 1).count == 9)
    let kernel = Image.gaussianKernel(sigma: 1.7)
    #expect(abs(kernel.reduce(0, +) - 1) < 1e-6)
    #expect(kernel == kernel.reversed())
    // exp(-1/2) ratio between the centre and the neighbour at one sigma.
    let oneSigma = Image.gaussianKernel(sigma: 1)
    #expect(abs(oneSigma[3] / oneSigma[4] - Float(exp(-0.5))) < 1e-6)
  }

  /// A direct 2-D correlation with the outer-product kernel, reading borders through
  /// `BorderMode.sourceIndex` one sample at a time.
  static func naiveBlur(_ image: Image, sigma: Float, border: BorderMode) -> [Float] {
    let kernel = Image.gaussianKernel(sigma: sigma).map(Double.init)
    let radius = kernel.count / 2
    var output = [Float](repeating: 0, count: image.pixels.count)
    for y in 0..<image.height {
      for x in 0..<image.width {
        for c in 0..<image.channels {
          var sum = 0.0
          for j in -radius...radius {
            for i in -radius...radius {
              let sy = border.sourceIndex(y + j, count: image.height)
              let sx = border.sourceIndex(x + i, count: image.width)
              sum +=
                kernel[j + radius] * kernel[i + radius] * Double(image[x: sx, y: sy, channel: c])
            }
          }
          output[(y * image.width + x) * image.channels + c] = Float(sum)
        }
      }
    }
    return output
  }

  @Test(arguments: BorderMode.allCases)
  func separableEqualsNaiveTwoDimensional(border: BorderMode) {
    var random = SplitMix64(seed: 42)
    let image = random.image(width: 9, height: 7, channels: 3)
    for sigma: Float in [0.5, 1.3, 2.6] {
      let fast = image.gaussianBlurred(sigma: sigma, border: border).pixels
      let naive = Self.naiveBlur(image, sigma: sigma, border: border)
      #expect(closeMismatch(fast, naive, atol: 2e-6, rtol: 0) == nil, "sigma \(sigma)")
    }
  }

  @Test func identityConstantAndChannelIndependence() {
    var random = SplitMix64(seed: 3)
    let image = random.image(width: 8, height: 6, channels: 3)
    #expect(image.gaussianBlurred(sigma: 0) == image)
    let constant = Image(width: 7, height: 5, channels: 2, repeating: 0.25)
    #expect(maxAbsDifference(constant.gaussianBlurred(sigma: 1.2).pixels, constant.pixels) < 1e-6)
    // Blurring a colour image blurs each channel on its own.
    let blurred = image.gaussianBlurred(sigma: 1.1, border: .reflect101)
    for channel in 0..<3 {
      let alone = image.channel(channel).gaussianBlurred(sigma: 1.1, border: .reflect101)
      #expect(maxAbsDifference(blurred.channel(channel).pixels, alone.pixels) == 0)
    }
  }

  @Test(arguments: BorderMode.allCases)
  func singlePixelWideImages(border: BorderMode) {
    // A 1-sample axis reads sample 0 in every mode, so a column blurs only vertically.
    let column = Image(width: 1, height: 6, channels: 1, pixels: [0, 0, 1, 0, 0, 0])
    let blurred = column.gaussianBlurred(sigma: 1, border: border)
    let naive = Self.naiveBlur(column, sigma: 1, border: border)
    #expect(closeMismatch(blurred.pixels, naive, atol: 2e-6, rtol: 0) == nil)
    let dot = Image(width: 1, height: 1, channels: 3, pixels: [0.2, 0.4, 0.6])
    #expect(
      maxAbsDifference(dot.gaussianBlurred(sigma: 3, border: border).pixels, dot.pixels) < 1e-6)
    #expect(dot.gradients(border: border).magnitude.pixels == [0])
  }

  @Test(arguments: [Float(0), 0.8, 2.5])
  func blurIntoCallerStorageMatchesBlurred(sigma: Float) {
    var random = SplitMix64(seed: 9)
    let image = random.image(width: 11, height: 7, channels: 3)
    var samples = [Float](repeating: -1, count: image.pixels.count + 2)
    samples.withUnsafeMutableBufferPointer { image.gaussianBlur(sigma: sigma, into: $0) }
    #expect(Array(samples.prefix(image.pixels.count)) == image.gaussianBlurred(sigma: sigma).pixels)
    #expect(samples.suffix(2) == [-1, -1])  // nothing written past the image
  }
}
