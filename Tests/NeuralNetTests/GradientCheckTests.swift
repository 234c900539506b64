import NeuralNet
import Testing

/// Finite differences against every layer's backward (relative error on `Σ output * upstream`).
@Suite struct GradientCheckTests {
  let image = GradientCheck.random([2, 3, 7, 8], seed: 1)

  @Test func conv2dWithStridePaddingDilation() {
    for (stride, padding, dilation) in [(1, 1, 1), (2, 1, 1), (1, 2, 2), (2, 0, 1)] {
      let conv = Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, stride: stride, padding: padding, dilation: dilation, seed: 3)
      #expect(GradientCheck.maximumError(conv, input: image) < 2e-3, "stride \(stride) padding \(padding) dilation \(dilation)")
    }
  }

  @Test func linear() {
    #expect(GradientCheck.maximumError(Linear(inFeatures: 6, outFeatures: 4, seed: 5), input: GradientCheck.random([3, 6], seed: 2)) < 2e-3)
  }

  @Test func activationsAndPools() {
    // Kinks (ReLU at 0, max-pool ties) are rarely within 1e-3 of uniform random inputs.
    let layers: [(String, any Layer)] = [
      ("relu", ReLU()), ("leaky", LeakyReLU(negativeSlope: 0.1)), ("max", MaxPool2d(kernelSize: 3, stride: 2, padding: 1)),
      ("avg", AvgPool2d(kernelSize: 2, stride: 2, padding: 1)), ("adaptive", AdaptiveAvgPool2d(outputHeight: 3, outputWidth: 5)),
      ("flatten", Flatten()),
    ]
    for (name, layer) in layers {
      #expect(GradientCheck.maximumError(layer, input: image, step: 1e-3) < 2e-3, "\(name)")
    }
  }

  @Test func sequentialChainsBackward() {
    // Smooth layers only: a probe that moves a conv output across a ReLU kink breaks finite
    // differences whatever the step (kinked layers are checked alone above, on inputs away from 0).
    let model = Sequential([
      Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, seed: 1), AvgPool2d(kernelSize: 2),
      Conv2d(inChannels: 4, outChannels: 2, kernelSize: 2, stride: 1, seed: 4), Flatten(),
      Linear(inFeatures: 2 * 2 * 3, outFeatures: 3, seed: 2),
    ])
    #expect(GradientCheck.maximumError(model, input: image, step: 1e-3) < 2e-3)
  }
}
