import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import ONNX

/// Every fixture model against onnxruntime's outputs (`Fixtures/onnx`), within
/// `1e-4 * max|y| + 1e-5`: graph outputs, named intermediate tensors, several batch sizes.
@Suite struct ONNXParityTests {
  @Test func theManifestListsModels() {
    #expect(FixtureModel.runnable.count >= 20)
  }

  @Test(arguments: FixtureModel.runnable)
  func outputsMatchOnnxruntime(_ fixture: FixtureModel) throws {
    let model = try ONNXModel(contentsOf: fixture.url)
    #expect(model.opsetVersion == fixture.opset)
    #expect(model.parameterCount == fixture.parameterCount)
    #expect(model.operatorCounts == fixture.operatorCounts)
    for run in fixture.runs {
      let input = try FixtureModel.tensor(run.inputFile)
      let outputs = try model.run([run.inputName: input], outputs: Array(run.outputs.keys))
      for (name, file) in run.outputs {
        let expected = try FixtureModel.tensor(file)
        let actual = try #require(outputs[name])
        #expect(parityFailure(actual, expected) == nil, "\(fixture.name) \(run.inputFile): \(name)")
      }
    }
  }

  @Test func resultsAreIdenticalForAnyThreadCountAndBatchSplit() throws {
    let fixture = FixtureModel.named("depthwise_se_cnn")
    let model = try ONNXModel(contentsOf: fixture.url)
    let input = try FixtureModel.tensor(fixture.runs[1].inputFile)  // batch 3
    let before = ComputeThreads.count
    defer { try? ComputeThreads.setCount(before) }
    try ComputeThreads.setCount(1)
    let one = try model.run(input)
    try ComputeThreads.setCount(2)
    let two = try model.run(input)
    try ComputeThreads.setCount(3)
    let three = try model.run(input)
    #expect(one.data == two.data)
    #expect(one.data == three.data)
    // Item by item gives the same values as the batch.
    let perImage = input.count / input.shape[0]
    for item in 0..<input.shape[0] {
      let single = Tensor(
        shape: [1] + input.shape.dropFirst(),
        data: Array(input.data[(item * perImage)..<((item + 1) * perImage)]))
      let output = try model.run(single)
      let width = output.count
      #expect(output.data == Array(one.data[(item * width)..<((item + 1) * width)]))
    }
  }
}
