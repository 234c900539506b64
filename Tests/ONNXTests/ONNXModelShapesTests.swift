import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import ONNX

/// Shape inference and strides, the model summary, and the planner's kernels on known cases.
@Suite struct ONNXModelShapesTests {
  @Test func stridesFollowConvolutionsAndPools() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("residual_cnn").url)
    let tensors = try model.shapes(forInputShape: [2, 3, 24, 32])
    func tensor(_ name: String) throws -> ONNXTensorShape {
      try #require(tensors.first { $0.name == name })
    }
    #expect(try tensor("input").stride == SpatialPair(1))
    #expect(try tensor("/Add_output_0").shape == [2, 8, 24, 32])
    #expect(try tensor("/Add_output_0").stride == SpatialPair(1))
    #expect(try tensor("/pool/MaxPool_output_0").stride == SpatialPair(2))
    #expect(try tensor("/down/down.2/Relu_output_0").shape == [2, 16, 6, 8])
    #expect(try tensor("/down/down.2/Relu_output_0").stride == SpatialPair(4))
    #expect(try tensor("output").shape == [2, 5])
    #expect(try tensor("output").stride == nil)
    // The declared 24x32 is fixed: another size is refused with the declared shape named.
    #expect {
      _ = try model.shapes(forInputShape: [1, 3, 48, 64])
    } throws: { error in
      guard case .invalidInput(_, let input, let reason) = error as? ONNXError else { return false }
      return input == "input" && reason.contains("[batch, 3, 24, 32]")
    }
  }

  @Test func fullyConvolutionalModelsRunAtAnySize() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("dynamo_fcn").url)
    let small = try model.shapes(forInputShape: [1, 3, 16, 16])
    let large = try model.shapes(forInputShape: [1, 3, 40, 24])
    #expect(small.last!.shape != large.last!.shape)
    #expect(throws: ONNXError.self) { _ = try model.shapes(forInputShape: [1, 4, 16, 16]) }
  }

  @Test func theSummaryReadsModelsItCannotRun() throws {
    let summary = try ONNXModelSummary(contentsOf: FixtureModel.named("unsupported_op").url)
    #expect(summary.unsupportedOperators == ["LSTM"])
    #expect(summary.operatorCounts == ["LSTM": 1])
    #expect(summary.opsetVersion == 13)
  }

  @Test func onlyTheNodesARequestedTensorNeedsRun() throws {
    let model = try ONNXModel(contentsOf: FixtureModel.named("residual_cnn").url)
    let input = try FixtureModel.tensor("residual_cnn.input.npy")
    let plan = try ExecutionPlan(
      graph: model.graph, inputShapes: ["input": input.shape], outputs: ["/pool/MaxPool_output_0"])
    let everything = try ExecutionPlan(
      graph: model.graph, inputShapes: ["input": input.shape], outputs: ["output"])
    #expect(plan.steps.count < everything.steps.count)
    #expect(!plan.steps.contains { model.graph.nodes[$0.node].op == "Gemm" })
  }

  @Test func broadcastingMergesDimensionsAndMatchesTheNaiveLoop() throws {
    let cases: [([Int], [Int])] = [
      ([2, 3, 4, 5], [3, 1, 1]), ([2, 3, 4, 5], [5]), ([2, 1, 4, 1], [1, 3, 1, 5]), ([1], [2, 3]),
      ([4, 5], [4, 5]),
    ]
    for (left, right) in cases {
      let broadcast = try Broadcast(left, right)
      let a = (0..<left.reduce(1, *)).map(Float.init),
        b = (0..<right.reduce(1, *)).map { Float($0) * 100 }
      var output = [Float](repeating: 0, count: broadcast.shape.reduce(1, *))
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          output.withUnsafeMutableBufferPointer { broadcast.apply(a, b, into: $0, +) }
        }
      }
      // Naive: index each operand through its padded shape.
      let rank = broadcast.shape.count
      let paddedA = [Int](repeating: 1, count: rank - left.count) + left
      let paddedB = [Int](repeating: 1, count: rank - right.count) + right
      func offset(_ index: [Int], _ shape: [Int]) -> Int {
        zip(index, shape).reduce(0) { $0 * $1.1 + ($1.1 == 1 ? 0 : $1.0) }
      }
      for flat in 0..<output.count {
        var index = [Int](repeating: 0, count: rank), rest = flat
        for axis in (0..<rank).reversed() {
          index[axis] = rest % broadcast.shape[axis]
          rest /= broadcast.shape[axis]
        }
        #expect(
          output[flat] == a[offset(index, paddedA)] + b[offset(index, paddedB)],
          "\(left) + \(right) at \(index)")
      }
    }
    #expect(throws: PlanningError.self) { _ = try Broadcast([2, 3], [4]) }
  }

  @Test func affineGatherTransposesSlicesAndPads() {
    let source = (0..<6).map(Float.init)  // [[0 1 2] [3 4 5]]
    let transpose = AffineGather(
      sourceShape: [2, 3], outputShape: [3, 2], axes: [1, 0], starts: [0, 0], steps: [1, 1])
    #expect(transpose.apply(source, fill: -1) == [0, 3, 1, 4, 2, 5])
    let reversed = AffineGather(
      sourceShape: [2, 3], outputShape: [2, 2], starts: [0, 2], steps: [1, -2])
    #expect(reversed.apply(source, fill: -1) == [2, 0, 5, 3])
    let padded = AffineGather(
      sourceShape: [2, 3], outputShape: [3, 4], starts: [-1, 0], steps: [1, 1])
    #expect(padded.apply(source, fill: -1) == [-1, -1, -1, -1, 0, 1, 2, -1, 3, 4, 5, -1])
  }

  @Test func halfPrecisionBitsConvertExactly() {
    #expect(halfToFloat(0x3C00) == 1)
    #expect(halfToFloat(0xC000) == -2)
    #expect(halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
    #expect(halfToFloat(0x7C00) == .infinity)
    #expect(halfToFloat(0x7E00).isNaN)
    for bits in stride(from: UInt16(0), to: 0x7C00, by: 37) {
      #expect(halfToFloat(bits) == Float(Float16(bitPattern: bits)))
    }
  }
}
