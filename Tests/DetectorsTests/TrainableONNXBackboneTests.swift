import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

@testable import Detectors

/// ONNX networks rebuilt from NeuralNet layers to fine-tune: the same function as the
/// importer's, batch normalisation folded, gradients that match finite differences, and the
/// refusal of operators without a backward pass.
@Suite struct TrainableONNXBackboneTests {
  static func backbone(_ name: String, tensor: String? = nil) throws -> ONNXBackbone {
    try ONNXBackbone(contentsOf: Fixtures.url("onnx/\(name).onnx"), tensor: tensor)
  }

  @Test(arguments: [
    ("dynamo_fcn", "max_pool2d", [1, 3, 14, 22]),
    ("residual_cnn_batchnorm", "/avgpool/AveragePool_output_0", [1, 3, 24, 32]),
    ("residual_cnn", "/down/down.2/Relu_output_0", [1, 3, 24, 32]),
  ])
  func layersComputeWhatTheImporterComputes(_ name: String, _ tensor: String, _ shape: [Int])
    throws
  {
    let frozen = try Self.backbone(name, tensor: tensor)
    let trainable = try frozen.trainable()
    #expect(trainable.stride == frozen.stride && trainable.outputChannels == frozen.outputChannels)
    let input = WeightInitialization.uniform(shape: shape, bound: 2, seed: 5)
    let expected = try frozen.features(input)
    let actual = try trainable.features(input)
    #expect(actual.shape == expected.shape)
    let scale = expected.data.map(abs).max() ?? 1
    let difference = zip(actual.data, expected.data).map { abs($0 - $1) }.max() ?? 0
    #expect(difference <= 1e-5 * max(1, scale), "\(difference)")
  }

  /// The four BatchNormalization nodes follow convolutions read by nothing else: folded, the
  /// network has the four convolutions' weights and biases as parameters.
  @Test func batchNormalizationFoldsIntoConvolutions() throws {
    var trainable = try Self.backbone("residual_cnn_batchnorm").trainable()
    var names: [String] = []
    trainable.visitParameters { name, _ in names.append(name) }
    #expect(names.count == 8)
    #expect(names.allSatisfy { $0.hasSuffix(".weight") || $0.hasSuffix(".bias") })
    #expect(names.contains("0.weight") && names.contains("0.bias"))
  }

  /// `L = Σ features · upstream`: the parameter gradients of the backward pass against
  /// central differences, through a residual sum, folded normalisations and both pools.
  @Test func gradientsMatchFiniteDifferences() throws {
    let base = try Self.backbone("residual_cnn_batchnorm").trainable()
    let input = WeightInitialization.uniform(shape: [1, 3, 24, 32], bound: 1, seed: 7)
    var model = base
    let features = try model.forward(input)
    let upstream = WeightInitialization.uniform(shape: features.shape, bound: 1, seed: 8)
    model.backward(upstream)
    var analytic: [String: Tensor] = [:]
    model.visitParameters { analytic[$0] = $1.gradient }
    func loss(_ name: String, _ index: Int, _ delta: Float) throws -> Double {
      var copy = base
      copy.visitParameters { visited, parameter in
        if visited == name { parameter.value.data[index] += delta }
      }
      let output = try copy.features(input)
      return zip(output.data, upstream.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    var worst: Double = 0
    for name in analytic.keys.sorted() {
      let gradient = analytic[name]!
      for index in [0, gradient.count / 2, gradient.count - 1] {
        let h: Float = 3e-4  // small: ReLU and max-pool kinks lie close
        let numeric = (try loss(name, index, h) - loss(name, index, -h)) / Double(2 * h)
        let error = abs(numeric - Double(gradient.data[index])) / max(1, abs(numeric))
        worst = max(worst, error)
      }
    }
    #expect(worst < 1e-2, "largest relative error \(worst)")
  }

  @Test func anOperatorWithoutABackwardPassIsNamed() throws {
    let frozen = try Self.backbone("dynamo_fcn", tensor: "add")
    let error = #expect(throws: DetectorsError.self) { _ = try frozen.trainable() }
    guard case .untrainableBackbone(let file, _, let op, let reason)? = error else {
      Issue.record("expected untrainableBackbone, got \(String(describing: error))")
      return
    }
    #expect(file == frozen.url.path && op == "HardSwish")
    #expect(reason.contains("HardSwish"))
    #expect(error?.description.contains("--freeze-backbone") == true)
  }
}
