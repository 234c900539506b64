import NeuralNet

/// What the planner knows about a tensor once the input shape is fixed.
struct PlannedTensor {
  var shape: [Int]
  /// The values, when they do not depend on the input (weights, folded shape arithmetic).
  var constant: GraphValue?
  /// The stride relative to the input image, for 4-D feature maps.
  var stride: SpatialPair?

  var rank: Int { shape.count }
}

/// One output of a planned kernel.
struct PlannedOutput {
  var shape: [Int]
  /// Set by windowed operators (convolution, pooling); others inherit their input's stride.
  var stride: SpatialPair?
}

/// Computes a node's outputs. The inputs are handed over: a kernel may take a data input out
/// of the array and reuse its storage when nothing else holds it.
typealias Kernel = @Sendable (inout [GraphValue?]) -> [GraphValue]

/// How a node computes its outputs for the planned shapes.
enum NodePlan {
  /// The outputs are known without running anything.
  case constant([GraphValue])
  /// A kernel computes the outputs from the inputs (constants included, absent optional
  /// inputs as nil).
  case kernel(outputs: [PlannedOutput], run: Kernel)
}

/// A failure while planning a node, turned into a typed ``ONNXError`` naming the node.
struct PlanningError: Error {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}

/// An ONNX operator, validated when the model is loaded and planned for concrete shapes
/// when it runs.
protocol ONNXOperator: Sendable {
  /// Output shapes and the kernel for these inputs. Throws ``PlanningError`` when the shapes
  /// do not fit or a parameter input (a shape, axes, a weight) is not a constant.
  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan

  /// Whether the node combines values of different batch items (axis 0) in a way the
  /// shapes do not show (a softmax over axis 0, a transpose that moves axis 0). Default: false.
  func mixesBatchItems(_ inputs: [PlannedTensor?]) -> Bool
}

extension ONNXOperator {
  func mixesBatchItems(_ inputs: [PlannedTensor?]) -> Bool { false }
}

extension [PlannedTensor?] {
  /// The input at `index`, which the loader checked is present.
  func required(_ index: Int) -> PlannedTensor { self[index]! }

  /// The constant value of a parameter input, or a planning error naming its role.
  func constant(_ index: Int, _ role: String) throws(PlanningError) -> GraphValue? {
    guard index < count, let input = self[index] else { return nil }
    guard let value = input.constant else {
      throw PlanningError(
        "its \(role) (input \(index)) is computed at run time; only constant \(role)s are supported"
      )
    }
    return value
  }
}

/// Normalises a possibly negative axis into `0..<rank`.
func normalizedAxis(_ axis: Int, rank: Int, role: String = "axis") throws(PlanningError) -> Int {
  let resolved = axis < 0 ? axis + rank : axis
  guard resolved >= 0 && resolved < rank else {
    throw PlanningError("\(role) \(axis) is out of range for rank \(rank)")
  }
  return resolved
}

extension [GraphValue?] {
  /// Moves the input at `index` out of the array, so its storage can be reused in place.
  mutating func take(_ index: Int) -> GraphValue {
    var taken: GraphValue? = nil
    swap(&taken, &self[index])
    return taken!
  }
}

extension GraphValue {
  /// Moves the Float32 values out (every data input is Float32 at run time).
  consuming func takeFloats() -> [Float] {
    switch storage {
    case .float(let values): return values
    case .integer(let values): return values.map { Float($0) }
    }
  }
}
