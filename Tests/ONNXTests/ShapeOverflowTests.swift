import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

@testable import ONNX

/// Crafted graphs whose sizes overflow `Int` somewhere in shape planning: each is refused with
/// a typed error naming the node (or the input or initializer), never a trap. (Part of
/// ``ONNXModelErrorTests``, whose temporary folder and `load` they use.)
extension ONNXModelErrorTests {
  /// Expects loading `builder` (planned at load: every declared input size is fixed) to
  /// fail with a shape mismatch at the node named `node` whose reason contains `words`.
  func expectShapeError(
    _ builder: ModelBuilder, node: String, _ words: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(sourceLocation: sourceLocation) {
      _ = try load(builder)
    } throws: { error in
      guard case .shapeMismatch(_, let found, _, let reason) = error as? ONNXError else {
        Issue.record("\(error)", sourceLocation: sourceLocation)
        return false
      }
      return found == "\"\(node)\"" && reason.contains(words)
    }
  }

  /// The largest size a declared input dimension may have (larger ones read as unknown).
  static let huge = Int64(Int32.max)

  /// `x` declared `[huge, huge]` reshaped to a column `[huge², 1]` ("column") and a row
  /// `[1, huge²]` ("row"): tensors whose sizes only fit in an Int as a product of two.
  static func columnAndRow() -> ModelBuilder {
    var builder = ModelBuilder()
    builder.inputs = [("x", [huge, huge])]
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["to-column"], name: "to-column",
        intsAttributes: ["value_ints": [-1, 1]]),
      .init(
        op: "Constant", inputs: [], outputs: ["to-row"], name: "to-row",
        intsAttributes: ["value_ints": [1, -1]]),
      .init(op: "Reshape", inputs: ["x", "to-column"], outputs: ["column"], name: "column"),
      .init(op: "Reshape", inputs: ["x", "to-row"], outputs: ["row"], name: "row"),
    ]
    return builder
  }

  @Test func aMatrixProductTooLargeForAnIntIsNamed() {
    var builder = Self.columnAndRow()
    builder.nodes.append(
      .init(op: "MatMul", inputs: ["column", "row"], outputs: ["y"], name: "mm"))
    expectShapeError(builder, node: "mm", "more elements than an Int holds")
    builder = Self.columnAndRow()
    builder.nodes.append(
      .init(op: "Gemm", inputs: ["column", "row"], outputs: ["y"], name: "gemm"))
    expectShapeError(builder, node: "gemm", "more elements than an Int holds")
  }

  @Test func aBroadcastTooLargeForAnIntIsNamed() {
    var builder = ModelBuilder()
    builder.inputs = [("a", [Self.huge, 1, 1]), ("b", [1, Self.huge, Self.huge])]
    builder.nodes = [.init(op: "Add", inputs: ["a", "b"], outputs: ["y"], name: "add")]
    expectShapeError(builder, node: "add", "the broadcast shape")
  }

  @Test func aConcatenationWhoseSizeOverflowsIsNamed() {
    var builder = Self.columnAndRow()
    builder.nodes.append(
      .init(
        op: "Concat", inputs: ["row", "row", "row"], outputs: ["y"], name: "cat",
        intAttributes: ["axis": 1]))
    expectShapeError(builder, node: "cat", "overflows")
  }

  @Test func hugePadsAndShapesFromConstantsAreNamed() {
    var builder = ModelBuilder()
    builder.inputs = [("x", [1, 4])]
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["pads"], name: "pads",
        intsAttributes: ["value_ints": [0, Int64.max, 0, Int64.max]]),
      .init(op: "Pad", inputs: ["x", "pads"], outputs: ["y"], name: "pad"),
    ]
    expectShapeError(builder, node: "pad", "pads")
    // Int64.min has no absolute value in Int (a fuzzing find: `abs` trapped).
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["pads"], name: "pads",
        intsAttributes: ["value_ints": [0, Int64.min, 0, 0]]),
      .init(op: "Pad", inputs: ["x", "pads"], outputs: ["y"], name: "pad"),
    ]
    expectShapeError(builder, node: "pad", "pads")
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["pads"], name: "pads",
        intsAttributes: ["value_ints": [0, Int64(Int32.max), 0, Int64(Int32.max)]]),
      .init(op: "Pad", inputs: ["x", "pads"], outputs: ["p"], name: "pad"),
      .init(
        op: "Concat", inputs: ["p", "p"], outputs: ["y"], name: "cat", intAttributes: ["axis": 0]),
    ]
    #expect(throws: Never.self) { _ = try self.load(builder) }  // [2, 4294967298] fits
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["shape"], name: "shape",
        intsAttributes: ["value_ints": [Self.huge, Self.huge]]),
      .init(op: "ConstantOfShape", inputs: ["shape"], outputs: ["y"], name: "fill"),
    ]
    expectShapeError(builder, node: "fill", "invalid")
  }

  @Test func aSliceStepBeyondTheAxisTakesOneValue() throws {
    var builder = ModelBuilder()
    builder.inputs = [("x", [1, 6])]
    builder.nodes = [
      .init(
        op: "Constant", inputs: [], outputs: ["starts"], name: "starts",
        intsAttributes: ["value_ints": [0]]),
      .init(
        op: "Constant", inputs: [], outputs: ["ends"], name: "ends",
        intsAttributes: ["value_ints": [Int64.max]]),
      .init(
        op: "Constant", inputs: [], outputs: ["axes"], name: "axes",
        intsAttributes: ["value_ints": [1]]),
      .init(
        op: "Constant", inputs: [], outputs: ["steps"], name: "steps",
        intsAttributes: ["value_ints": [Int64.max]]),
      .init(
        op: "Slice", inputs: ["x", "starts", "ends", "axes", "steps"], outputs: ["y"],
        name: "slice"),
    ]
    let model = try load(builder)
    let y = try model.run(Tensor(shape: [1, 6], data: [1, 2, 3, 4, 5, 6]))
    #expect(y.shape == [1, 1] && y.data == [1])
  }

  @Test func aHugeGroupCountAndAChainOfHugeStridesAreNamed() {
    var builder = ModelBuilder.conv()
    builder.nodes[0].intAttributes["group"] = Int64.max
    expectShapeError(builder, node: "conv", "group")
    builder = ModelBuilder()
    builder.inputs = [("x", [1, 1, 1, 1])]
    builder.initializers = [.init(name: "w", dims: [1, 1, 1, 1], values: [1])]
    let strides: [Int64] = [1 << 20, 1 << 20]
    builder.nodes = (0..<4).map { index in
      .init(
        op: "Conv", inputs: [index == 0 ? "x" : "c\(index - 1)", "w"],
        outputs: [index == 3 ? "y" : "c\(index)"], name: "conv\(index)",
        intsAttributes: ["strides": strides])
    }
    expectShapeError(builder, node: "conv3", "stride")
  }

  @Test func anEmptyTensorWithHugeOtherSizesIsRefused() {
    // [1, 0, n, n, n] holds no value, but the kernels' partial products would overflow.
    var builder = ModelBuilder()
    builder.inputs = [("x", [1, 0, Self.huge, Self.huge, Self.huge])]
    builder.nodes = [
      .init(op: "Flatten", inputs: ["x"], outputs: ["y"], name: "flat", intAttributes: ["axis": 2])
    ]
    #expect {
      _ = try self.load(builder)
    } throws: { error in
      guard case .invalidInput(_, let input, _) = error as? ONNXError else { return false }
      return input == "x"
    }
    builder = ModelBuilder.conv()
    builder.initializers[0].dims = [0, 1 << 40, 1 << 40, 1]
    builder.initializers[0].values = []
    #expect {
      _ = try self.load(builder)
    } throws: { error in
      guard case .invalidInitializer(_, let tensor, _) = error as? ONNXError else { return false }
      return tensor == "w"
    }
  }
}
