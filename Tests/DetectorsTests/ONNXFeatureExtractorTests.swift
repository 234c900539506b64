import Detectors
import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

/// A network cut at a named tensor as R-CNN's feature extractor, against onnxruntime.
@Suite struct ONNXFeatureExtractorTests {
  typealias Fixture = ShapesClassifierFixture

  @Test func vectorsAreTheTensorsValues() throws {
    let extractor = try ONNXFeatureExtractor(model: Fixture.logits(), tensor: "fc7", cropSize: 32)
    #expect(extractor.featureCount == 32)
    let features = try extractor.features(of: Fixture.array("crops"))
    #expect(features.shape == [4, 32])
    #expect(
      closeMismatch(features.data, try Fixture.array("fc7").data, atol: 1e-5, rtol: 1e-4) == nil)
  }

  @Test func spatialTensorsAreAveragedOrFlattened() throws {
    let pool5 = try Fixture.array("pool5")  // [4, 32, 2, 2]
    let crops = try Fixture.array("crops")
    let average = try ONNXFeatureExtractor(model: Fixture.logits(), tensor: "pool5", cropSize: 32)
    #expect(average.featureCount == 32)
    let means = (0..<(4 * 32)).map { row in pool5.data[(row * 4)..<(row * 4 + 4)].reduce(0, +) / 4 }
    #expect(
      closeMismatch(try average.features(of: crops).data, means, atol: 1e-5, rtol: 1e-4) == nil)
    let flat = try ONNXFeatureExtractor(
      model: Fixture.logits(), tensor: "pool5", pooling: .flatten, cropSize: 32)
    #expect(flat.featureCount == 128)
    #expect(
      closeMismatch(try flat.features(of: crops).data, pool5.data, atol: 1e-5, rtol: 1e-4) == nil)
  }

  @Test func theGraphOutputIsTheDefaultTensor() throws {
    let extractor = try ONNXFeatureExtractor(model: Fixture.logits(), cropSize: 32)
    #expect(extractor.tensor == "logits" && extractor.featureCount == 4)
    #expect(extractor.summary.contains("\"logits\""))
  }

  @Test func badTensorsAndSizesAreErrors() throws {
    let model = try Fixture.logits()
    #expect(throws: ONNXError.unknownTensor(file: model.file, tensor: "fc6")) {
      _ = try ONNXFeatureExtractor(model: model, tensor: "fc6", cropSize: 32)
    }
    #expect(throws: DetectorsError.self) {
      _ = try ONNXFeatureExtractor(model: model, tensor: "fc7", cropSize: 40)
    }
    let extractor = try ONNXFeatureExtractor(model: model, tensor: "fc7", cropSize: 32)
    #expect(throws: DetectorsError.self) {
      _ = try extractor.features(of: Tensor(zeros: [1, 1, 32, 32]))
    }
    #expect(try extractor.features(of: Tensor(zeros: [0, 3, 32, 32])).shape == [0, 32])
  }
}
