import NeuralNet
import RegionKitTestSupport
import Testing

/// The fast convolution paths (im2col + sgemm, per-group sgemm, 1x1 without im2col, direct
/// depthwise loop) against the direct seven-loop reference.
@Suite struct Conv2dTests {
  @Test(arguments: [(1, 0, 1, 3), (2, 1, 1, 3), (1, 2, 2, 3), (3, 1, 1, 5), (1, 0, 1, 1)])
  func fastPathMatchesReference(stride: Int, padding: Int, dilation: Int, kernel: Int) {
    let input = GradientCheck.random([2, 3, 11, 9], seed: 4)
    var conv = Conv2d(
      inChannels: 3, outChannels: 5, kernelSize: kernel, stride: stride, padding: padding,
      dilation: dilation, seed: 8)
    let reference = conv.referenceForward(input)
    let fast = conv.forward(input)
    #expect(fast.shape == reference.shape)
    #expect(closeMismatch(fast.data, reference.data, atol: 1e-5, rtol: 1e-5) == nil)
  }

  static let kernels = [
    SpatialPair(1), SpatialPair(3), SpatialPair(height: 3, width: 5), SpatialPair(5),
  ]
  /// Groups of a 4-channel input: plain, two groups, depthwise.
  static let groupCounts = [1, 2, 4]

  /// Every kernel, stride, dilation, group count and padding of the sweep: the path taken
  /// (im2col, 1x1 direct, per group, depthwise) must not change the values beyond rounding.
  @Test(arguments: kernels, groupCounts)
  func sweepMatchesReference(kernel: SpatialPair, groups: Int) {
    // 21 columns, so that depthwise rows also take the eight-wide vector loop.
    let input = GradientCheck.random([2, 4, 9, 21], seed: 21)
    let strides = [SpatialPair(1), SpatialPair(2), SpatialPair(height: 2, width: 1)]
    let dilations = [SpatialPair(1), SpatialPair(height: 2, width: 1)]
    let paddings = [
      SpatialPadding(0), SpatialPadding(1), SpatialPadding(top: 2, left: 0, bottom: 1, right: 3),
    ]
    // Depthwise with a channel multiplier of 2; the other group counts map 4 to 6 channels.
    let outChannels = groups == 4 ? 8 : 6
    for stride in strides {
      for dilation in dilations {
        for padding in paddings {
          let conv = Conv2d(
            inChannels: 4, outChannels: outChannels, kernelSize: kernel, stride: stride,
            padding: padding, dilation: dilation, groups: groups, seed: 5)
          let fast = conv.output(for: input)
          let reference = conv.referenceForward(input)
          #expect(fast.shape == reference.shape)
          #expect(
            closeMismatch(fast.data, reference.data, atol: 1e-5, rtol: 1e-5) == nil,
            "kernel \(kernel) stride \(stride) dilation \(dilation) padding \(padding)")
        }
      }
    }
  }

  @Test func depthwiseWithoutMultiplierOrBiasMatchesReference() {
    let input = GradientCheck.random([3, 5, 12, 10], seed: 2)
    for stride in [1, 2, 3] {
      let conv = Conv2d(
        inChannels: 5, outChannels: 5, kernelSize: 3, stride: stride, padding: 1, groups: 5,
        hasBias: false, seed: 6)
      let fast = conv.output(for: input)
      #expect(
        closeMismatch(fast.data, conv.referenceForward(input).data, atol: 1e-5, rtol: 1e-5) == nil)
    }
  }

  /// The depthwise kernel's eight-wide blocks (the last one shifted back to end at the last
  /// inside column) and scalar border columns, over every width from 1 to 40.
  @Test(arguments: [1, 2, 3])
  func depthwiseRowsOfEveryWidthMatchReference(stride: Int) {
    for width in 1...40 {
      for (kernel, dilation, padding) in [
        (SpatialPair(3), SpatialPair(1), SpatialPadding(1)),
        (SpatialPair(3), SpatialPair(1), SpatialPadding(top: 1, left: 0, bottom: 1, right: 2)),
        (SpatialPair(height: 3, width: 5), SpatialPair(height: 1, width: 2), SpatialPadding(2)),
        (SpatialPair(1), SpatialPair(1), SpatialPadding(0)),
      ] where (kernel.width - 1) * dilation.width + 1 <= width + padding.left + padding.right {
        let input = GradientCheck.random([1, 2, 5, width], seed: UInt64(width))
        let conv = Conv2d(
          inChannels: 2, outChannels: 4, kernelSize: kernel, stride: SpatialPair(stride),
          padding: padding, dilation: dilation, groups: 2, seed: 3)
        let fast = conv.output(for: input)
        #expect(
          closeMismatch(fast.data, conv.referenceForward(input).data, atol: 1e-5, rtol: 1e-5)
            == nil, "width \(width) kernel \(kernel) padding \(padding)")
      }
    }
  }

  /// The depthwise backward (direct, on the padded plane) against the same layer written as a
  /// dense convolution whose weight is zero off the diagonal blocks (im2col + sgemm).
  @Test(arguments: [1, 2])
  func depthwiseBackwardMatchesBlockDiagonalDenseConvolution(multiplier: Int) {
    let channels = 3, outChannels = 3 * multiplier
    let input = GradientCheck.random([2, channels, 9, 11], seed: 31)
    for (stride, dilation, padding) in [
      (SpatialPair(1), SpatialPair(1), SpatialPadding(1)),
      (SpatialPair(2), SpatialPair(1), SpatialPadding(top: 1, left: 0, bottom: 2, right: 1)),
      (SpatialPair(height: 1, width: 2), SpatialPair(height: 2, width: 1), SpatialPadding(2)),
    ] {
      var depthwise = Conv2d(
        inChannels: channels, outChannels: outChannels,
        kernelSize: SpatialPair(height: 3, width: 2),
        stride: stride, padding: padding, dilation: dilation, groups: channels, seed: 4)
      var denseWeight = Tensor(zeros: [outChannels, channels, 3, 2])
      for o in 0..<outChannels {
        for ky in 0..<3 {
          for kx in 0..<2 {
            denseWeight[o, o / multiplier, ky, kx] = depthwise.weight.value[o, 0, ky, kx]
          }
        }
      }
      var dense = Conv2d(
        weight: denseWeight, bias: depthwise.bias!.value, stride: stride, padding: padding,
        dilation: dilation)
      let output = depthwise.forward(input)
      #expect(closeMismatch(output.data, dense.forward(input).data, atol: 1e-5, rtol: 1e-5) == nil)
      let upstream = GradientCheck.random(output.shape, seed: 32)
      let gradientInput = depthwise.backward(upstream)
      let denseGradientInput = dense.backward(upstream)
      #expect(
        closeMismatch(gradientInput.data, denseGradientInput.data, atol: 1e-5, rtol: 1e-5) == nil,
        "stride \(stride) dilation \(dilation) padding \(padding)")
      let diagonal = (0..<outChannels).flatMap { o in
        (0..<6).map { tap in dense.weight.gradient[o, o / multiplier, tap / 2, tap % 2] }
      }
      #expect(
        closeMismatch(depthwise.weight.gradient.data, diagonal, atol: 1e-4, rtol: 1e-5) == nil)
      #expect(
        closeMismatch(
          depthwise.bias!.gradient.data, dense.bias!.gradient.data, atol: 1e-4, rtol: 1e-5)
          == nil)
    }
  }

  @Test func outputForEqualsForward() {
    let input = GradientCheck.random([2, 4, 9, 8], seed: 3)
    for groups in [1, 2, 4] {
      var conv = Conv2d(
        inChannels: 4, outChannels: 8, kernelSize: SpatialPair(height: 3, width: 2),
        stride: SpatialPair(height: 1, width: 2),
        padding: SpatialPadding(top: 1, left: 0, bottom: 0, right: 1), groups: groups, seed: 7)
      let inferred = conv.output(for: input)
      #expect(conv.forward(input) == inferred, "groups \(groups)")
    }
  }

  @Test func outputSizeFollowsPyTorch() {
    var conv = Conv2d(
      inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, dilation: 2,
      hasBias: false, seed: 1)
    // floor((10 + 2 - 2 * 2 - 1) / 2) + 1 = 4
    #expect(conv.forward(Tensor(zeros: [1, 1, 10, 10])).shape == [1, 1, 4, 4])
    var names: [String] = []
    conv.visitParameters { name, _ in names.append(name) }
    #expect(names == ["weight"])
    // Per axis: height floor((10 + 2 + 0 - 2 - 1) / 1) + 1 = 10,
    // width floor((7 + 0 + 3 - 4 - 1) / 2) + 1 = 3.
    let rectangular = Conv2d(
      inChannels: 1, outChannels: 2, kernelSize: SpatialPair(height: 3, width: 5),
      padding: SpatialPadding(top: 2, left: 0, bottom: 0, right: 3),
      dilation: SpatialPair(height: 1, width: 1), seed: 1)
    var strided = rectangular
    strided.stride = SpatialPair(height: 1, width: 2)
    #expect(strided.output(for: Tensor(zeros: [1, 1, 10, 7])).shape == [1, 2, 10, 3])
  }

  @Test func groupedWeightShapeAndInitialisationBound() {
    let conv = Conv2d(inChannels: 6, outChannels: 4, kernelSize: 3, groups: 2, seed: 3)
    #expect(conv.weight.value.shape == [4, 3, 3, 3])
    #expect(conv.groups == 2)
    // PyTorch's bound 1 / sqrt(C_in / groups * kH * kW) = 1 / 3.
    #expect(conv.weight.value.data.allSatisfy { abs($0) <= 1 / 3 })
    let square = Conv2d(inChannels: 3, outChannels: 2, kernelSize: 3, seed: 9)
    let pair = Conv2d(inChannels: 3, outChannels: 2, kernelSize: SpatialPair(3), seed: 9)
    #expect(square.weight.value == pair.weight.value && square.bias?.value == pair.bias?.value)
  }
}
