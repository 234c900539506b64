import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

@testable import Detectors

/// ONNX networks cut at a tensor as frozen backbones: stride and channels from shape
/// inference, the default tensor, refusals, padding of small inputs, copies into model folders.
@Suite struct ONNXBackboneTests {
  static func url(_ name: String) -> URL { Fixtures.url("onnx/\(name).onnx") }

  @Test func strideAndChannelsComeFromShapeInference() throws {
    let pooled = try ONNXBackbone(contentsOf: Self.url("dynamo_fcn"), tensor: "max_pool2d")
    #expect(pooled.stride == 2 && pooled.outputChannels == 8)
    #expect(pooled.inputSize == nil)
    // Without a tensor: the last 4-D tensor with a stride (the head's output here).
    let last = try ONNXBackbone(contentsOf: Self.url("dynamo_fcn"))
    #expect(last.tensor == "output" && last.stride == 2 && last.outputChannels == 4)
    // A classifier: the last feature map before global pooling, at its fixed input size.
    let residual = try ONNXBackbone(contentsOf: Self.url("residual_cnn_batchnorm"))
    #expect(residual.tensor == "/avgpool/AveragePool_output_0")
    #expect(residual.stride == 8 && residual.outputChannels == 16)
    #expect(residual.inputSize == SpatialPair(height: 24, width: 32))
    let description = residual.configuration(frozen: true)
    #expect(description.kind == .onnx && description.file == "backbone.onnx")
    #expect(description.source == "residual_cnn_batchnorm.onnx" && description.isFrozen)
    #expect(description.inputSize == [24, 32])
  }

  @Test func featuresAreTheImportersTensorPaddedToTheMinimumSize() throws {
    let backbone = try ONNXBackbone(contentsOf: Self.url("dynamo_fcn"), tensor: "max_pool2d")
    let input = WeightInitialization.uniform(shape: [1, 3, 12, 18], bound: 1, seed: 2)
    let features = try backbone.features(input)
    #expect(features == (try backbone.model.run(input, output: "max_pool2d")))
    #expect(features.shape == [1, 8, 6, 9])
    // MaxPool 2x2 needs at least 2 pixels: a 1-pixel-high input is padded, not refused.
    #expect(backbone.minimumInputSide == 2)
    let thin = try backbone.features(Tensor(shape: [1, 3, 1, 18], repeating: 0.5))
    #expect(thin.shape == [1, 8, 1, 9])
  }

  @Test func tensorsThatAreNotFeatureMapsAreRefused() throws {
    let file = Self.url("residual_cnn").path
    func reason(_ tensor: String) -> String? {
      do {
        _ = try ONNXBackbone(contentsOf: Self.url("residual_cnn"), tensor: tensor)
        return nil
      } catch DetectorsError.invalidBackbone(let failing, let reason) {
        #expect(failing == file)
        return reason
      } catch {
        Issue.record("unexpected \(error)")
        return nil
      }
    }
    #expect(reason("nothing")?.contains("no tensor named \"nothing\"") == true)
    #expect(reason("/flatten/Flatten_output_0")?.contains("has shape [1, 16]") == true)
    #expect(reason("/gap/GlobalAveragePool_output_0")?.contains("has no stride") == true)
    #expect(reason("input")?.contains("the network's input") == true)
    let error = DetectorsError.invalidBackbone(file: file, reason: "because")
    #expect(error.description == "\(file) cannot serve as a backbone: because.")
  }

  @Test func copiesTakeTheirExternalDataAlong() throws {
    let folder = try Fixtures.temporaryDirectory("onnx-backbone-copy")
    defer { try? FileManager.default.removeItem(at: folder) }
    let backbone = try ONNXBackbone(contentsOf: Self.url("weights_external"))
    #expect(backbone.externalDataFiles == ["weights_external.weights"])
    try backbone.copy(into: folder)
    let copied = try ONNXBackbone(contentsOf: folder.appendingPathComponent("backbone.onnx"))
    let input = WeightInitialization.uniform(shape: [1, 3, 6, 7], bound: 1, seed: 1)
    #expect(try copied.features(input) == (try backbone.features(input)))
    #expect(copied.tensor == backbone.tensor)
    // Copying the folder's own copy again changes nothing.
    try copied.copy(into: folder)
  }

  @Test func aModelFolderWithoutItsNetworkIsAnError() throws {
    let folder = try Fixtures.temporaryDirectory("onnx-backbone-missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let backbone = try ONNXBackbone(contentsOf: Self.url("dynamo_fcn"), tensor: "max_pool2d")
    var configuration = FastRCNNConfiguration(
      architecture: .fastRCNN, classes: DetectorClass.numbered(["a"]))
    configuration.maxSide = 32
    configuration.backbone = backbone.configuration(frozen: true)
    var model = try FasterRCNN(configuration: configuration, backbone: backbone, seed: 1)
    try ModelFolder.save(
      configuration: configuration, tensors: DetectorModel.tensors(of: &model), to: folder)
    #expect(throws: DetectorsError.missingModelFile(folder: folder.path, file: "backbone.onnx")) {
      _ = try DetectorModel.load(from: folder)
    }
    try backbone.copy(into: folder)
    #expect(try DetectorModel.load(from: folder) is FastRCNN)
    // A network that no longer gives what config.json records is refused.
    try FileManager.default.removeItem(at: folder.appendingPathComponent("backbone.onnx"))
    try FileManager.default.copyItem(
      at: Self.url("residual_cnn"), to: folder.appendingPathComponent("backbone.onnx"))
    #expect(throws: DetectorsError.self) { _ = try DetectorModel.load(from: folder) }
  }
}
