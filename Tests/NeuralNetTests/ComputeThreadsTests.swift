import NeuralNet
import Testing

/// Forward and backward give bit-identical results with 1 and 2 OpenBLAS threads.
@Suite(.serialized) struct ComputeThreadsTests {
  func run(threads: Int) throws -> (Tensor, Tensor, [String: Tensor]) {
    try ComputeThreads.setCount(threads)
    defer { try? ComputeThreads.setCount(1) }
    #expect(ComputeThreads.count == threads)
    var model = Sequential([
      Conv2d(inChannels: 3, outChannels: 32, kernelSize: 3, padding: 1, seed: 1),
      BatchNorm2d(channels: 32), ReLU(),
      Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, stride: 2, padding: 1, seed: 2),
      ReLU(),
      AdaptiveAvgPool2d(outputHeight: 2, outputWidth: 2), Flatten(),
      Linear(inFeatures: 256, outFeatures: 96, seed: 3),
    ])
    let input = GradientCheck.random([4, 3, 24, 24], seed: 5)
    let output = model.forward(input)
    let gradientInput = model.backward(GradientCheck.random(output.shape, seed: 6))
    var gradients: [String: Tensor] = [:]
    model.visitParameters { name, parameter in gradients[name] = parameter.gradient }
    return (output, gradientInput, gradients)
  }

  /// A MobileNet-like stack: grouped, depthwise (one item per plane) and 1x1 convolutions,
  /// ceil-mode and exclusive pools; three images so that two threads get uneven chunks.
  func runWindowLayers(threads: Int) throws -> (Tensor, Tensor, Tensor, [String: Tensor]) {
    try ComputeThreads.setCount(threads)
    defer { try? ComputeThreads.setCount(1) }
    let grouped = Conv2d(
      inChannels: 4, outChannels: 8, kernelSize: 3, padding: 1, groups: 2, seed: 1)
    let depthwise = Conv2d(
      inChannels: 8, outChannels: 16, kernelSize: 3, stride: 2, padding: 1, groups: 8, seed: 2)
    let maxPool = MaxPool2d(kernelSize: SpatialPair(3), stride: SpatialPair(2), ceilMode: true)
    let pointwise = Conv2d(inChannels: 16, outChannels: 8, kernelSize: 1, seed: 3)
    let averagePool = AvgPool2d(
      kernelSize: SpatialPair(2), padding: SpatialPadding(top: 0, left: 1, bottom: 1, right: 0),
      ceilMode: true, countIncludesPadding: false)
    var model = Sequential([grouped, depthwise, maxPool, pointwise, averagePool])
    let input = GradientCheck.random([3, 4, 21, 19], seed: 7)
    let output = model.forward(input)
    let inferred = averagePool.output(
      for: pointwise.output(
        for: maxPool.output(for: depthwise.output(for: grouped.output(for: input)))))
    let gradientInput = model.backward(GradientCheck.random(output.shape, seed: 8))
    var gradients: [String: Tensor] = [:]
    model.visitParameters { name, parameter in gradients[name] = parameter.gradient }
    return (output, inferred, gradientInput, gradients)
  }

  @Test func windowLayersAgreeBitForBitForAnyThreadCount() throws {
    let one = try runWindowLayers(threads: 1)
    let two = try runWindowLayers(threads: 2)
    let sameOutput = one.0 == two.0, sameInference = one.1 == two.1 && one.1 == one.0
    let sameInputGradient = one.2 == two.2, sameParameterGradients = one.3 == two.3
    #expect(sameOutput)
    #expect(sameInference)
    #expect(sameInputGradient)
    #expect(sameParameterGradients)
  }

  @Test func oneAndTwoThreadsAgreeBitForBit() throws {
    let one = try run(threads: 1)
    let two = try run(threads: 2)
    // Compared as Bools so a failure does not print whole tensors.
    let sameOutput = one.0 == two.0, sameInputGradient = one.1 == two.1,
      sameParameterGradients = one.2 == two.2
    #expect(sameOutput)
    #expect(sameInputGradient)
    #expect(sameParameterGradients)
  }

  @Test func countsBelowOneThrowNamingTheFieldAndValue() {
    let error = NeuralNetError.invalidParameter(
      type: "ComputeThreads", field: "count", value: "0", expected: "at least 1")
    #expect(throws: error) { try ComputeThreads.setCount(0) }
    #expect(error.description.contains("count") && error.description.contains("0"))
  }
}
