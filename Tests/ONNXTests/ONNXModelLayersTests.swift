import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import ONNX

/// A network up to a tensor described as NeuralNet layers, the shapes of the part up to a
/// tensor, and the external-data files a copy must take along.
@Suite struct ONNXModelLayersTests {
  /// Runs described layers (no batch normalisation folding) the way a detector backbone does.
  static func run(_ nodes: [ONNXLayerNode], input: Tensor, inputName: String) -> Tensor {
    var values: [String: Tensor] = [inputName: input]
    for node in nodes {
      let x = values[node.inputs[0]]!
      let y: Tensor
      switch node.layer {
      case .convolution(let conv): y = conv.output(for: x)
      case .channelAffine(let scale, let shift):
        y = ChannelAffine(scale: scale, shift: shift).output(for: x)
      case .relu:
        var relu = ReLU()
        y = relu.forward(x)
      case .leakyReLU(let slope):
        var layer = LeakyReLU(negativeSlope: slope)
        y = layer.forward(x)
      case .clip(let lower, let upper):
        var layer = Hardtanh(minimum: lower, maximum: upper)
        y = layer.forward(x)
      case .maxPool(let pool): y = pool.output(for: x)
      case .averagePool(let pool): y = pool.output(for: x)
      case .add: y = x + values[node.inputs[1]]!
      case .identity: y = x
      case .unsupported(let reason):
        Issue.record("node \(node.label) is unsupported: \(reason)")
        y = x
      }
      values[node.output] = y
    }
    return values[nodes.last!.output]!
  }

  @Test func layersUpToATensorComputeWhatTheImporterComputes() throws {
    for (name, tensor) in [
      ("dynamo_fcn", "max_pool2d"), ("residual_cnn_batchnorm", "/avgpool/AveragePool_output_0"),
      ("residual_cnn", "/avgpool/AveragePool_output_0"),
    ] {
      let fixture = FixtureModel.named(name)
      let model = try ONNXModel(contentsOf: fixture.url)
      let input = try FixtureModel.tensor(fixture.runs[0].inputFile)
      let single = Tensor(
        shape: [1] + input.shape.dropFirst(),
        data: Array(input.data.prefix(input.count / input.shape[0])))
      let nodes = try model.layers(computing: tensor, inputShape: single.shape)
      #expect(nodes.last?.output == tensor)
      let expected = try model.run(single, output: tensor)
      let actual = Self.run(nodes, input: single, inputName: fixture.runs[0].inputName)
      #expect(actual.shape == expected.shape)
      let scale = expected.data.map(abs).max() ?? 1
      let difference = zip(actual.data, expected.data).map { abs($0 - $1) }.max() ?? 0
      #expect(difference <= 1e-5 * max(1, scale), "\(name): \(difference)")
    }
  }

  @Test func batchNormalizationResidualSumsAndCeilPoolsAreLayers() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("residual_cnn_batchnorm").url)
    let nodes = try model.layers(
      computing: "/avgpool/AveragePool_output_0", inputShape: [1, 3, 24, 32])
    let kinds = nodes.map { node -> String in
      switch node.layer {
      case .convolution: "conv"
      case .channelAffine: "affine"
      case .add: "add"
      case .averagePool(let pool): pool.ceilMode ? "avg-ceil" : "avg"
      case .maxPool: "max"
      case .relu: "relu"
      case .identity: "identity"
      default: "other"
      }
    }
    #expect(kinds.filter { $0 == "affine" }.count == 4)
    #expect(kinds.filter { $0 == "conv" }.count == 4)
    #expect(kinds.contains("add") && kinds.contains("avg-ceil") && kinds.contains("max"))
    let add = try #require(nodes.first { $0.op == "Add" })
    #expect(add.inputs.count == 2)
  }

  @Test func operatorsWithoutALayerSayWhy() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("dynamo_fcn").url)
    let nodes = try model.layers(computing: "add", inputShape: [1, 3, 16, 16])
    let unsupported = nodes.compactMap { node -> (String, String)? in
      guard case .unsupported(let reason) = node.layer else { return nil }
      return (node.op, reason)
    }
    #expect(unsupported.map(\.0) == ["HardSwish"])
    #expect(unsupported.first?.1.contains("backward") == true)
    #expect(throws: ONNXError.unknownTensor(file: model.file, tensor: "nothing")) {
      _ = try model.layers(computing: "nothing", inputShape: [1, 3, 16, 16])
    }
  }

  /// Only the part up to the tensor is planned; the declared input shape is still checked.
  @Test func shapesUpToATensorPlanOnlyItsPart() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("dynamo_fcn").url)
    let shapes = try model.shapes(forInputShape: [1, 3, 20, 12], upTo: "max_pool2d")
    #expect(shapes.last?.name == "max_pool2d")
    #expect(shapes.last?.shape == [1, 8, 10, 6])
    #expect(shapes.last?.stride == SpatialPair(2))
    #expect(!shapes.contains { $0.name == "output" })
    let fixed = try ONNXModel(contentsOf: FixtureModel.named("residual_cnn").url)
    #expect(throws: ONNXError.self) {
      _ = try fixed.shapes(forInputShape: [1, 3, 48, 64], upTo: "/pool/MaxPool_output_0")
    }
  }

  /// The last feature map of a classifier whose Flatten into Gemm fixes the input size is
  /// found at other sizes too.
  @Test func theLastFeatureMapIsFoundBeforeLayersThatFixTheSize() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("dynamo_fcn").url)
    let last = try #require(model.lastFeatureMap(forInputShape: [1, 3, 20, 12]))
    #expect(last.name == "output" && last.shape == [1, 4, 10, 6])
    let fixed = try ONNXModel(contentsOf: FixtureModel.named("residual_cnn").url)
    #expect(
      fixed.lastFeatureMap(forInputShape: [1, 3, 24, 32])?.name == "/avgpool/AveragePool_output_0")
    #expect(fixed.lastFeatureMap(forInputShape: [1, 3, 48, 64]) == nil)
  }

  @Test func externalDataFilesAreListed() throws {
    let external = try ONNXModelSummary(contentsOf: FixtureModel.named("weights_external").url)
    #expect(external.externalDataFiles == ["weights_external.weights"])
    let inside = try ONNXModelSummary(contentsOf: FixtureModel.named("dynamo_fcn").url)
    #expect(inside.externalDataFiles.isEmpty)
  }
}
