import Boxes
import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct GradientsTests {
  // Generated once with scipy 1.17.1 on the pattern of GaussianBlurTests:
  //   a = np.array([[((x*7 + y*13) % 11) / 10 for x in range(6)] for y in range(5)])
  //   ndimage.sobel(a, axis=1, mode='reflect')    # x derivative; 'nearest' is identical for 3x3
  //   ndimage.sobel(a, axis=0, mode='reflect')    # y derivative
  //   ndimage.sobel(a, axis=0, mode='mirror')
  static let sobelXReflect: [Float] = [
    2.8, 1.2, 0.1, 1.2, -2.1, -1.6, 1.7, 1.2, -1, 1.2, 0.1, -1.6, -0.5, 1.2, 0.1, 0.1, 1.2, -0.5,
    -1.6, 0.1, 1.2, -1, 1.2, 1.7, -1.6, -2.1, 1.2, 0.1, 1.2, 2.8,
  ]
  static let sobelYReflect: [Float] = [
    0.8, 0.8, -0.3, -1.4, -0.3, 0.8, 0.5, -0.6, -0.6, -0.6, 0.5, 1.6, 0.5, -0.6, 0.5, 0.5, -0.6,
    0.5, 1.6, 0.5, -0.6, -0.6, -0.6, 0.5, 0.8, -0.3, -1.4, -0.3, 0.8, 0.8,
  ]
  static let sobelYMirror: [Float] = [
    0, 0, 0, 0, 0, 0, -0.6, -0.6, -0.6, -0.6, 0.5, 1.6, -0.6, -0.6, 0.5, 0.5, -0.6, -0.6, 1.6, 0.5,
    -0.6, -0.6, -0.6, -0.6, 0, 0, 0, 0, 0, 0,
  ]

  @Test func sobelMatchesScipy() {
    let pattern = GaussianBlurTests.pattern
    let reflect = pattern.derivatives(operator: .sobel, border: .reflect)
    #expect(closeMismatch(reflect.x.pixels, Self.sobelXReflect, atol: 1e-6, rtol: 0) == nil)
    #expect(closeMismatch(reflect.y.pixels, Self.sobelYReflect, atol: 1e-6, rtol: 0) == nil)
    let replicate = pattern.derivatives(operator: .sobel, border: .replicate)
    #expect(closeMismatch(replicate.x.pixels, Self.sobelXReflect, atol: 1e-6, rtol: 0) == nil)
    let mirror = pattern.derivatives(operator: .sobel, border: .reflect101)
    #expect(closeMismatch(mirror.y.pixels, Self.sobelYMirror, atol: 1e-6, rtol: 0) == nil)
    // Single channel: gradients() is the derivatives.
    let gradients = pattern.gradients(operator: .sobel, border: .reflect)
    #expect(gradients.x == reflect.x && gradients.y == reflect.y)
  }

  @Test func rampsGiveOperatorGainsMagnitudeAndOrientation() {
    let width = 7
    let height = 6
    let rampX = Image(
      width: width, height: height, channels: 1,
      pixels: (0..<height).flatMap { _ in (0..<width).map { Float($0) } })
    let rampY = Image(
      width: width, height: height, channels: 1,
      pixels: (0..<height).flatMap { y in (0..<width).map { _ in Float(y) } })
    for (op, gain) in [(GradientOperator.sobel, Float(8)), (.scharr, Float(32))] {
      let gx = rampX.gradients(operator: op, border: .reflect101)
      let gy = rampY.gradients(operator: op, border: .reflect101)
      for y in 0..<height {
        for x in 1..<(width - 1) {
          #expect(gx.x[x: x, y: y, channel: 0] == gain)
          #expect(gx.y[x: x, y: y, channel: 0] == 0)
          #expect(gx.magnitude[x: x, y: y, channel: 0] == gain)
          #expect(gx.orientation[x: x, y: y, channel: 0] == 0)
        }
      }
      for y in 1..<(height - 1) {
        for x in 0..<width {
          #expect(gy.y[x: x, y: y, channel: 0] == gain)
          #expect(abs(gy.orientation[x: x, y: y, channel: 0] - Float.pi / 2) < 1e-6)
        }
      }
      // reflect101 mirrors the ramp at the edge, so the derivative there is 0; replicate
      // gives half the gain.
      #expect(gx.x[x: 0, y: 2, channel: 0] == 0)
      #expect(
        rampX.gradients(operator: op, border: .replicate).x[x: 0, y: 2, channel: 0] == gain / 2)
    }
    // 3-4-5 magnitude and a diagonal orientation.
    let g = ImageGradients(
      x: Image(width: 2, height: 1, channels: 1, pixels: [3, -1]),
      y: Image(width: 2, height: 1, channels: 1, pixels: [4, -1]))
    #expect(g.magnitude.pixels[0] == 5)
    #expect(abs(g.orientation.pixels[1] + 3 * Float.pi / 4) < 1e-6)
  }

  @Test func colourGradientTakesTheStrongestChannel() {
    var random = SplitMix64(seed: 11)
    let image = random.image(width: 8, height: 6, channels: 3)
    let colour = image.gradients(operator: .scharr, border: .reflect)
    let perChannel = (0..<3).map {
      image.channel($0).gradients(operator: .scharr, border: .reflect)
    }
    for p in 0..<(8 * 6) {
      let magnitudes = perChannel.map { $0.magnitude.pixels[p] }
      let best = magnitudes.firstIndex(of: magnitudes.max()!)!
      #expect(colour.x.pixels[p] == perChannel[best].x.pixels[p])
      #expect(colour.y.pixels[p] == perChannel[best].y.pixels[p])
    }
    #expect(colour.x.channels == 1 && colour.magnitude.width == 8)
  }
}
