import NeuralNet
import Testing

/// Output sizes, the 2x2 fast path and windows that see only padding.
@Suite struct MaxPool2dTests {
  /// `(size, kernel, stride, padding, ceil mode, expected windows)` along one axis.
  @Test(arguments: [
    (8, 3, 2, 0, false, 3), (8, 3, 2, 0, true, 4), (5, 2, 2, 1, false, 3),
    // ceil gives 4, but the 4th window would start in the bottom padding (5 + 1 = 6).
    (5, 2, 2, 1, true, 3), (6, 2, 2, 1, true, 4), (112, 3, 2, 1, false, 56),
    (112, 3, 2, 1, true, 57), (7, 3, 3, 0, true, 3),
  ])
  func outputSizeFollowsPyTorch(
    size: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool, expected: Int
  ) {
    let pool = MaxPool2d(
      kernelSize: SpatialPair(kernel), stride: SpatialPair(stride),
      padding: SpatialPadding(padding), ceilMode: ceilMode)
    #expect(pool.output(for: Tensor(zeros: [1, 1, size, 3 * kernel])).shape[2] == expected)
  }

  @Test func halvingFastPathMatchesGeneralPath() {
    // A bottom and right padding of 1 adds no window on an even plane but takes the general
    // loop; values, winners and gradients must be the same.
    let input = GradientCheck.random([2, 3, 8, 10], seed: 12)
    var fast = MaxPool2d(kernelSize: 2)
    var general = MaxPool2d(
      kernelSize: SpatialPair(2), padding: SpatialPadding(top: 0, left: 0, bottom: 1, right: 1))
    let output = fast.forward(input)
    #expect(general.forward(input) == output)
    #expect(fast.output(for: input) == output)
    let upstream = GradientCheck.random(output.shape, seed: 13)
    #expect(fast.backward(upstream) == general.backward(upstream))
  }

  /// Inference pools rows tap by tap (eight outputs per step where a tap's columns allow);
  /// training pools window by window with argmax. Both must give the same values.
  @Test(arguments: [1, 2, 3])
  func inferenceRowsMatchWindowLoopForEveryWidth(stride: Int) {
    for width in 2...40 {
      for (kernel, dilation, padding, ceilMode) in [
        (SpatialPair(3), SpatialPair(1), SpatialPadding(1), false),
        (SpatialPair(2), SpatialPair(1), SpatialPadding(0), true),
        (
          SpatialPair(height: 2, width: 3), SpatialPair(height: 1, width: 2),
          SpatialPadding(top: 0, left: 2, bottom: 1, right: 0), true
        ),
      ] where (kernel.width - 1) * dilation.width + 1 <= width {
        var pool = MaxPool2d(
          kernelSize: kernel, stride: SpatialPair(stride), padding: padding, dilation: dilation,
          ceilMode: ceilMode)
        let input = GradientCheck.random([1, 3, 6, width], seed: UInt64(width))
        let inferred = pool.output(for: input)
        #expect(inferred == pool.forward(input), "width \(width) kernel \(kernel)")
      }
    }
  }

  @Test func nanWinsInEveryPath() {
    var input = GradientCheck.random([1, 2, 4, 20], seed: 3)
    input[0, 1, 1, 12] = .nan
    // (pool, the outputs whose windows hold row 1, column 12)
    let cases = [
      (MaxPool2d(kernelSize: 2, stride: 1), [(0, 11), (0, 12), (1, 11), (1, 12)]),
      (MaxPool2d(kernelSize: 3, stride: 2, padding: 1), [(0, 6), (1, 6)]),
      (MaxPool2d(kernelSize: 2), [(0, 6)]),
    ]
    for (layer, positions) in cases {
      var pool = layer
      let inferred = pool.output(for: input)
      let trained = pool.forward(input)
      #expect(inferred.data.map(\.bitPattern) == trained.data.map(\.bitPattern))
      #expect(positions.allSatisfy { inferred[0, 1, $0.0, $0.1].isNaN })
      #expect(inferred.data.filter(\.isNaN).count == positions.count)
      // The NaN's position receives the gradient of every window it won.
      let gradient = pool.backward(Tensor(shape: trained.shape, repeating: 1))
      #expect(gradient[0, 1, 1, 12] == Float(positions.count))
    }
  }

  @Test func windowWithOnlyPaddingGivesMinusInfinityAndNoGradient() {
    // One input row; kernel rows 3 apart with 2 padded rows above: taps at rows -2 and 1.
    var pool = MaxPool2d(
      kernelSize: SpatialPair(height: 2, width: 1), stride: SpatialPair(1),
      padding: SpatialPadding(top: 2, left: 0, bottom: 1, right: 0),
      dilation: SpatialPair(height: 3, width: 1))
    let input = Tensor(shape: [1, 1, 1, 3], data: [1, 2, 3])
    let output = pool.forward(input)
    #expect(output.shape == [1, 1, 1, 3])
    #expect(output.data.allSatisfy { $0 == -.infinity })
    #expect(pool.backward(Tensor(shape: [1, 1, 1, 3], repeating: 1)).data == [0, 0, 0])
    // onnxruntime's value for such windows; a window of -inf values still gives -inf.
    pool.emptyWindowValue = -.greatestFiniteMagnitude
    #expect(pool.output(for: input).data == [Float](repeating: -.greatestFiniteMagnitude, count: 3))
    #expect(pool.forward(input) == pool.output(for: input))
    var tall = pool
    tall.padding = SpatialPadding(0)
    let minusInfinity = Tensor(shape: [1, 1, 4, 3], repeating: -.infinity)
    #expect(tall.output(for: minusInfinity).data.allSatisfy { $0 == -.infinity })
  }

  @Test func tiesKeepTheFirstMaximumInEveryPath() {
    var pool = MaxPool2d(kernelSize: SpatialPair(2), stride: SpatialPair(1), ceilMode: true)
    let output = pool.forward(Tensor(shape: [1, 1, 2, 3], repeating: 5))
    #expect(output.shape == [1, 1, 1, 2])
    let gradient = pool.backward(Tensor(shape: [1, 1, 1, 2], data: [1, 10]))
    #expect(gradient.data == [1, 10, 0, 0, 0, 0])
  }
}
