import NeuralNet
import Testing

/// Forward and backward give bit-identical results with 1 and 2 OpenBLAS threads.
@Suite(.serialized) struct ComputeThreadsTests {
  func run(threads: Int) -> (Tensor, Tensor, [String: Tensor]) {
    ComputeThreads.setCount(threads)
    defer { ComputeThreads.setCount(1) }
    #expect(ComputeThreads.count == threads)
    var model = Sequential([
      Conv2d(inChannels: 3, outChannels: 32, kernelSize: 3, padding: 1, seed: 1), BatchNorm2d(channels: 32), ReLU(),
      Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, stride: 2, padding: 1, seed: 2), ReLU(),
      AdaptiveAvgPool2d(outputHeight: 2, outputWidth: 2), Flatten(), Linear(inFeatures: 256, outFeatures: 96, seed: 3),
    ])
    let input = GradientCheck.random([4, 3, 24, 24], seed: 5)
    let output = model.forward(input)
    let gradientInput = model.backward(GradientCheck.random(output.shape, seed: 6))
    var gradients: [String: Tensor] = [:]
    model.visitParameters { name, parameter in gradients[name] = parameter.gradient }
    return (output, gradientInput, gradients)
  }

  @Test func oneAndTwoThreadsAgreeBitForBit() {
    let one = run(threads: 1)
    let two = run(threads: 2)
    // Compared as Bools so a failure does not print whole tensors.
    let sameOutput = one.0 == two.0, sameInputGradient = one.1 == two.1, sameParameterGradients = one.2 == two.2
    #expect(sameOutput)
    #expect(sameInputGradient)
    #expect(sameParameterGradients)
  }
}
