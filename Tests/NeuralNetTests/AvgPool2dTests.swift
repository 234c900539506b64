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
