import Foundation
import ONNX
import RegionKitTestSupport
import Testing

/// Which node computes a tensor, and which side files hold external weights.
@Suite struct ONNXModelProducersTests {
  @Test func producersNameTheOperatorAndItsInputs() throws {
    let model = try ONNXModel(contentsOf: Fixtures.url("onnx/rcnn/shapes_classifier_softmax.onnx"))
    let softmax = try #require(model.producer(of: "probabilities"))
    #expect(
      softmax.op == "Softmax" && softmax.inputs == ["logits"] && softmax.node == "\"softmax\"")
    #expect(model.producer(of: "logits")?.op == "Gemm")
    #expect(model.producer(of: "fc7")?.op == "Relu")
    #expect(model.producer(of: "input") == nil)
    #expect(model.producer(of: "no such tensor") == nil)
  }

  @Test func externalDataFilesAreListed() throws {
    let external = try ONNXModelSummary(contentsOf: Fixtures.url("onnx/weights_external.onnx"))
    #expect(external.externalDataFiles == ["weights_external.weights"])
    let inside = try ONNXModelSummary(contentsOf: Fixtures.url("onnx/weights_float16.onnx"))
    #expect(inside.externalDataFiles.isEmpty)
  }
}
