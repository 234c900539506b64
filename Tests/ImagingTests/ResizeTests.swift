import Boxes
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct ResizeTests {
  /// PyTorch's `upsample_bilinear2d` (align_corners=False, no antialias) written out
  /// directly from its source-index rule: `src = max((dst + 0.5) * in / out - 0.5, 0)`,
  /// `i0 = floor(src)`, `i1 = min(i0 + 1, in - 1)`, `λ = src - i0`, in Double.
  static func torchBilinear(_ image: Image, width: Int, height: Int) -> [Float] {
    func taps(_ dst: Int, _ inCount: Int, _ outCount: Int) -> (Int, Int, Double) {
      let src = max((Double(dst) + 0.5) * Double(inCount) / Double(outCount) - 0.5, 0)
      let i0 = min(Int(src), inCount - 1)
      let i1 = min(i0 + 1, inCount - 1)
      return (i0, i1, min(src - Double(i0), 1))
    }
    var output: [Float] = []
    for v in 0..<height {
      let (y0, y1, ly) = taps(v, image.height, height)
      for u in 0..<width {
        let (x0, x1, lx) = taps(u, image.width, width)
        for c in 0..<image.channels {
          func at(_ x: Int, _ y: Int) -> Double { Double(image[x: x, y: y, channel: c]) }
          let value =
            (1 - ly) * ((1 - lx) * at(x0, y0) + lx * at(x1, y0))
            + ly * ((1 - lx) * at(x0, y1) + lx * at(x1, y1))
          output.append(Float(value))
        }
      }
    }
    return output
  }

  @Test func twoByTwoUpsampledToFourByFour() {
    // Per axis the output centres sit at source positions -0.25 (clamped to 0), 0.25, 0.75,
    // 1.25 (clamped to 1), so rows and columns blend with weights 1, 3/4, 1/4, 0.
    let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])
    let expected: [Float] = [
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]
    #expect(image.resized(width: 4, height: 4).pixels == expected)
  }

  @Test func halvingAveragesPairs() {
    // Centres of a 2-sample output over 4 samples fall at 0.5 and 2.5: averages of pairs.
    let row = Image(width: 4, height: 1, channels: 1, pixels: [1, 3, 10, 20])
    #expect(row.resized(width: 2, height: 1).pixels == [2, 15])
  }

  @Test func constantStaysConstantAndSameSizeIsIdentity() {
    let constant = Image(width: 5, height: 3, channels: 3, repeating: 0.3)
    for (w, h) in [(1, 1), (2, 7), (13, 4), (5, 3), (40, 9)] {
      let resized = constant.resized(width: w, height: h)
      #expect(resized.width == w && resized.height == h && resized.channels == 3)
      #expect(resized.pixels.allSatisfy { $0 == 0.3 })
    }
    var random = SplitMix64(seed: 5)
    let image = random.image(width: 6, height: 4, channels: 2)
    #expect(image.resized(width: 6, height: 4) == image)
  }

  @Test func matchesTorchFormulaOnRandomImages() {
    var random = SplitMix64(seed: 9)
    let image = random.image(width: 7, height: 5, channels: 3)
    for (w, h) in [(11, 3), (3, 11), (14, 10), (2, 2), (1, 6)] {
      let got = image.resized(width: w, height: h).pixels
      #expect(
        closeMismatch(got, Self.torchBilinear(image, width: w, height: h), atol: 1e-6, rtol: 0)
          == nil, "\(w)x\(h)")
    }
  }
}
