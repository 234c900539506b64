import Boxes
import Testing

@testable import NeuralNet

/// Winograd F(2x2, 3x3) against the direct seven-loop convolution.
@Suite struct WinogradConvolutionTests {
  func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    return Tensor(
      shape: shape,
      data: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
  }

  @Test(arguments: [
    (14, 14, SpatialPadding(1), true), (15, 17, SpatialPadding(1), false),
    (16, 13, SpatialPadding(0), true),
    (20, 20, SpatialPadding(top: 0, left: 1, bottom: 2, right: 1), true),
    (17, 18, SpatialPadding(top: 2, left: 0, bottom: 0, right: 2), false),
  ])
  func matchesTheDirectConvolution(height: Int, width: Int, padding: SpatialPadding, hasBias: Bool)
  {
    let weight = random([12, 8, 3, 3], seed: 1)
    let bias = hasBias ? random([12], seed: 2) : nil
    let input = random([2, 8, height, width], seed: 3)
    let direct = Conv2d(weight: weight, bias: bias, stride: SpatialPair(1), padding: padding)
      .referenceForward(input)
    let fast = WinogradConvolution(weight: weight, bias: bias, padding: padding).output(for: input)
    #expect(fast.shape == direct.shape)
    let worst = zip(fast.data, direct.data).map { abs($0 - $1) }.max() ?? 0
    #expect(worst < 2e-5, "max |difference| \(worst)")
  }

  @Test func appliesOnlyToThreeByThreeStrideOneConvolutionsOfLargePlanes() {
    let large = WinogradConvolution.minimumOutputPositions
    #expect(
      WinogradConvolution.applies(
        weightShape: [64, 64, 3, 3], stride: SpatialPair(1), dilation: SpatialPair(1), groups: 1,
        outputPositions: large))
    #expect(
      !WinogradConvolution.applies(
        weightShape: [64, 64, 3, 3], stride: SpatialPair(2), dilation: SpatialPair(1), groups: 1,
        outputPositions: large))
    #expect(
      !WinogradConvolution.applies(
        weightShape: [64, 64, 3, 3], stride: SpatialPair(1), dilation: SpatialPair(2), groups: 1,
        outputPositions: large))
    #expect(
      !WinogradConvolution.applies(
        weightShape: [64, 32, 3, 3], stride: SpatialPair(1), dilation: SpatialPair(1), groups: 2,
        outputPositions: large))
    #expect(
      !WinogradConvolution.applies(
        weightShape: [64, 64, 5, 5], stride: SpatialPair(1), dilation: SpatialPair(1), groups: 1,
        outputPositions: large))
    #expect(
      !WinogradConvolution.applies(
        weightShape: [64, 64, 3, 3], stride: SpatialPair(1), dilation: SpatialPair(1), groups: 1,
        outputPositions: 49))
  }

  @Test func identicalForAnyThreadCount() throws {
    let weight = random([8, 8, 3, 3], seed: 4)
    let input = random([5, 8, 16, 16], seed: 5)
    let fast = WinogradConvolution(weight: weight, bias: nil, padding: SpatialPadding(1))
    let before = ComputeThreads.count
    defer { try? ComputeThreads.setCount(before) }
    try ComputeThreads.setCount(1)
    let one = fast.output(for: input)
    try ComputeThreads.setCount(3)
    #expect(fast.output(for: input).data == one.data)
  }
}
