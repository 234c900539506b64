import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// A CNN trained in PyTorch runs here with the same outputs, takes the same SGD step, and
/// its weights go back (`Tools/torch_roundtrip/`, fixture in `Fixtures/nn/`).
@Suite struct TorchRoundTripTests {
  /// The model of `Tools/torch_roundtrip/make_fixture.py`, with the same state-dict names.
  static func smallCNN() -> Sequential {
    Sequential(named: [
      (
        "features",
        Sequential([
          Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, seed: 1),
          BatchNorm2d(channels: 8), ReLU(), MaxPool2d(kernelSize: 2),
          Conv2d(
            inChannels: 8, outChannels: 16, kernelSize: 3, stride: 2, padding: 2, dilation: 2,
            seed: 2),
          GroupNorm(groups: 4, channels: 16), LeakyReLU(negativeSlope: 0.1),
          AdaptiveAvgPool2d(outputHeight: 2, outputWidth: 2),
        ])
      ),
      (
        "classifier",
        Sequential([
          Flatten(), Linear(inFeatures: 64, outFeatures: 32, seed: 3), ReLU(),
          Linear(inFeatures: 32, outFeatures: 5, seed: 4),
        ])
      ),
    ])
  }

  static func load(_ name: String) throws -> [String: Tensor] {
    try SafeTensors.load(contentsOf: Fixtures.url("nn/\(name)"))
  }

  @Test func pyTorchWeightsReproduceOutputs() throws {
    var model = Self.smallCNN()
    try model.loadStateDict(try Self.load("small_cnn.safetensors"), source: "small_cnn.safetensors")
    model.setTraining(false)
    let io = try Self.load("small_cnn_io.safetensors")
    let output = model.forward(try #require(io["input"]))
    let expected = try #require(io["output"])
    #expect(output.shape == expected.shape)
    #expect(closeMismatch(output.data, expected.data, atol: 1e-4, rtol: 1e-4) == nil)
  }

  @Test func sgdStepMatchesPyTorchAndExports() throws {
    var model = Self.smallCNN()
    try model.loadStateDict(try Self.load("small_cnn.safetensors"))
    let io = try Self.load("small_cnn_io.safetensors")
    model.setTraining(true)
    let labels = try #require(io["train_labels"]).data.map { Int($0) }
    let loss = crossEntropy(model.forward(try #require(io["train_input"])), labels: labels)
    #expect(abs(loss.value - (try #require(io["train_loss"])).data[0]) < 1e-5)
    _ = model.backward(loss.gradient)
    var optimizer = try SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
    optimizer.step(&model)
    let expected = try Self.load("small_cnn_after_step.safetensors")
    let state = model.stateDict()
    #expect(state.keys.sorted() == expected.keys.sorted())
    for (name, tensor) in expected {
      let got = try #require(state[name])
      #expect(closeMismatch(got.data, tensor.data, atol: 1e-4, rtol: 1e-4) == nil, "\(name)")
    }
    if let path = ProcessInfo.processInfo.environment["REGIONKIT_NN_EXPORT"] {
      try SafeTensors.save(state, to: URL(fileURLWithPath: path), metadata: ["format": "pt"])
    }
  }
}
