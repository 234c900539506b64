import NeuralNet
import Testing

/// Divisors with and without the padding, and in ceil mode.
@Suite struct AvgPool2dTests {
  let ones = Tensor(shape: [1, 1, 4, 5], repeating: 1)

  @Test func divisorCountsPaddingByDefault() {
    let pool = AvgPool2d(kernelSize: 3, stride: 1, padding: 1)
    #expect(pool.countIncludesPadding && !pool.ceilMode)
    let output = pool.output(for: ones)
    #expect(output.shape == [1, 1, 4, 5])
    // A corner window holds 4 of its 9 pixels, an edge window 6, an inner one 9.
    #expect(output[0, 0, 0, 0] == Float(4) / 9)
    #expect(output[0, 0, 0, 2] == Float(6) / 9)
    #expect(output[0, 0, 1, 1] == 1)
  }

  @Test func divisorWithoutPaddingCountsInputPixels() {
    let pool = AvgPool2d(
      kernelSize: SpatialPair(3), stride: SpatialPair(1),
      padding: SpatialPadding(top: 2, left: 0, bottom: 1, right: 1), countIncludesPadding: false)
    #expect(pool.output(for: ones).data.allSatisfy { $0 == 1 })
  }

  @Test func ceilModeDividesByTheWindowClippedToThePaddedPlane() {
    // 5 columns, k2 s2: the third window covers column 4 and the column past the plane.
    let pool = AvgPool2d(kernelSize: SpatialPair(2), ceilMode: true)
    let output = pool.output(for: ones)
    #expect(output.shape == [1, 1, 2, 3])
    #expect(output.data.allSatisfy { $0 == 1 })
    // With a right padding of 1 the padded column counts: the last column averages 2 of 4.
    let padded = AvgPool2d(
      kernelSize: SpatialPair(2), padding: SpatialPadding(top: 0, left: 0, bottom: 0, right: 1),
      ceilMode: true)
    #expect(padded.output(for: ones).data == [1, 1, 0.5, 1, 1, 0.5])
  }

  /// The documented rule, one window at a time: inside pixels summed in row-major order
  /// from 0, divided by the window clipped to the padded plane (or by the pixel count).
  func windowByWindow(_ pool: AvgPool2d, _ input: Tensor, outputShape: [Int]) -> Tensor {
    var output = Tensor(zeros: outputShape)
    let (height, width) = (input.shape[2], input.shape[3])
    let (k, s, p) = (pool.kernelSize, pool.stride, pool.padding)
    for n in 0..<input.shape[0] {
      for c in 0..<input.shape[1] {
        for oy in 0..<outputShape[2] {
          for ox in 0..<outputShape[3] {
            let y0 = oy * s.height - p.top, x0 = ox * s.width - p.left
            var sum: Float = 0
            var pixels = 0
            for y in max(y0, 0)..<min(y0 + k.height, height) {
              for x in max(x0, 0)..<min(x0 + k.width, width) {
                sum += input[n, c, y, x]
                pixels += 1
              }
            }
            let clippedHeight = min(y0 + k.height, height + p.bottom) - y0
            let clipped = clippedHeight * (min(x0 + k.width, width + p.right) - x0)
            output[n, c, oy, ox] = sum / Float(pool.countIncludesPadding ? clipped : pixels)
          }
        }
      }
    }
    return output
  }

  /// The row-wise loop (eight windows per SIMD step where a tap's columns allow) against the
  /// rule, bit for bit, over every width from 1 to 40 and strides 1 to 3.
  @Test(arguments: [1, 2, 3])
  func rowLoopMatchesWindowRuleForEveryWidth(stride: Int) {
    for width in 1...40 {
      for (kernel, padding, ceilMode, counts) in [
        (SpatialPair(3), SpatialPadding(1), false, true),
        (SpatialPair(2), SpatialPadding(0), true, true),
        (
          SpatialPair(height: 2, width: 3), SpatialPadding(top: 0, left: 2, bottom: 1, right: 0),
          true, false
        ),
      ] where kernel.width <= width + padding.left + padding.right {
        let pool = AvgPool2d(
          kernelSize: kernel, stride: SpatialPair(stride), padding: padding, ceilMode: ceilMode,
          countIncludesPadding: counts)
        let input = GradientCheck.random([1, 2, 5, width], seed: UInt64(width))
        let output = pool.output(for: input)
        #expect(
          output == windowByWindow(pool, input, outputShape: output.shape),
          "width \(width) kernel \(kernel) padding \(padding)")
      }
    }
  }

  @Test func outputForEqualsForward() {
    let input = GradientCheck.random([2, 3, 9, 8], seed: 14)
    var pool = AvgPool2d(
      kernelSize: SpatialPair(height: 3, width: 2), stride: SpatialPair(2),
      padding: SpatialPadding(top: 1, left: 1, bottom: 2, right: 0), ceilMode: true,
      countIncludesPadding: false)
    let inferred = pool.output(for: input)
    #expect(pool.forward(input) == inferred)
  }
}
