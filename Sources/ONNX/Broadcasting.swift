/// NumPy-style broadcasting of two shapes (ONNX "multidirectional broadcasting").
///
/// Shapes are aligned at their last dimension; each pair of sizes must be equal or one of
/// them 1. The loop plan merges adjacent dimensions that broadcast the same way, so
/// `[1, 64, 56, 56] + [1, 64, 1, 1]` runs as 64 rows of 3136 values with one scalar each.
struct Broadcast: Sendable {
  /// The output shape.
  var shape: [Int]
  /// Merged dimensions of the loop, outermost first.
  var sizes: [Int]
  /// The strides of each operand along the merged dimensions (0 where it broadcasts).
  var leftStrides: [Int]
  var rightStrides: [Int]

  init(_ left: [Int], _ right: [Int]) throws(PlanningError) {
    let rank = max(left.count, right.count)
    let a = [Int](repeating: 1, count: rank - left.count) + left
    let b = [Int](repeating: 1, count: rank - right.count) + right
    var shape: [Int] = []
    for axis in 0..<rank {
      guard a[axis] == b[axis] || a[axis] == 1 || b[axis] == 1 else {
        throw PlanningError("shapes \(left) and \(right) cannot be broadcast together")
      }
      shape.append(a[axis] == 1 ? b[axis] : a[axis])
    }
    // Each operand's size fits in Int, the broadcast one need not ([n, 1] with [1, n]).
    _ = try CheckedShapeArithmetic.elementCount(shape, "the broadcast shape")
    self.shape = shape
    // Merge runs of dimensions where each operand is either full or broadcast throughout.
    var sizes: [Int] = [], patterns: [(Bool, Bool)] = []
    for axis in 0..<rank where shape[axis] != 1 {
      let pattern = (a[axis] != 1, b[axis] != 1)
      if let last = patterns.last, last == pattern {
        sizes[sizes.count - 1] *= shape[axis]
      } else {
        sizes.append(shape[axis])
        patterns.append(pattern)
      }
    }
    if sizes.isEmpty {
      sizes = [1]
      patterns = [(true, true)]
    }
    func strides(_ uses: [Bool]) -> [Int] {
      var result = [Int](repeating: 0, count: sizes.count)
      var stride = 1
      for axis in sizes.indices.reversed() where uses[axis] {
        result[axis] = stride
        stride *= sizes[axis]
      }
      return result
    }
    self.sizes = sizes
    leftStrides = strides(patterns.map(\.0))
    rightStrides = strides(patterns.map(\.1))
  }

  /// Computes `operation(left[i], right[j])` for every output position (inlined, so the
  /// operation is too).
  @inline(__always)
  func apply<T>(
    _ left: UnsafeBufferPointer<T>, _ right: UnsafeBufferPointer<T>,
    into output: UnsafeMutableBufferPointer<T>,
    _ operation: (T, T) -> T
  ) {
    let inner = sizes.count - 1
    let count = sizes[inner], strideA = leftStrides[inner], strideB = rightStrides[inner]
    let outerCount = sizes.dropLast().reduce(1, *)
    var index = [Int](repeating: 0, count: inner)
    var offsetA = 0, offsetB = 0, offsetOut = 0
    for _ in 0..<outerCount {
      switch (strideA, strideB) {
      case (1, 1):
        for k in 0..<count {
          output[offsetOut + k] = operation(left[offsetA + k], right[offsetB + k])
        }
      case (1, 0):
        let b = right[offsetB]
        for k in 0..<count { output[offsetOut + k] = operation(left[offsetA + k], b) }
      case (0, 1):
        let a = left[offsetA]
        for k in 0..<count { output[offsetOut + k] = operation(a, right[offsetB + k]) }
      default:
        for k in 0..<count {
          output[offsetOut + k] = operation(
            left[offsetA + k * strideA], right[offsetB + k * strideB])
        }
      }
      offsetOut += count
      // Advance the outer multi-index.
      var axis = inner - 1
      while axis >= 0 {
        index[axis] += 1
        offsetA += leftStrides[axis]
        offsetB += rightStrides[axis]
        if index[axis] < sizes[axis] { break }
        offsetA -= leftStrides[axis] * sizes[axis]
        offsetB -= rightStrides[axis] * sizes[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// `Add`, `Sub`, `Mul`, `Div` with broadcasting, on Float32 data or on integer shape
/// arithmetic (folded when planned), and `PRelu` (`x < 0 ? slope * x : x`, the slope
/// broadcast onto `x`).
struct BinaryOperator: ONNXOperator {
  enum Operation: Sendable { case add, subtract, multiply, divide, preluSlope }
  var operation: Operation

  init(_ context: NodeContext) throws {
    operation =
      switch context.op {
      case "Add": .add
      case "Sub": .subtract
      case "Mul": .multiply
      case "Div": .divide
      default: .preluSlope
      }
    try context.expectInputs(2...2)
  }

  func plan(_ inputs: [PlannedTensor?]) throws(PlanningError) -> NodePlan {
    let left = inputs.required(0), right = inputs.required(1)
    let broadcast = try Broadcast(left.shape, right.shape)
    if operation == .preluSlope && broadcast.shape != left.shape {
      throw PlanningError(
        "slope shape \(right.shape) does not broadcast onto input shape \(left.shape)")
    }
    if let a = left.constant, let b = right.constant, a.isInteger && b.isInteger {
      let result = try Self.integerResult(operation, a.integers, b.integers, broadcast)
      return .constant([GraphValue(shape: broadcast.shape, integers: result)])
    }
    let operation = operation
    let leftIsOutput = left.shape == broadcast.shape
    return .kernel(outputs: [PlannedOutput(shape: broadcast.shape)]) { values in
      let b = values.take(1).takeFloats()
      func compute(_ a: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        b.withUnsafeBufferPointer { b in
          switch operation {
          case .add: broadcast.apply(a, b, into: out, +)
          case .subtract: broadcast.apply(a, b, into: out, -)
          case .multiply: broadcast.apply(a, b, into: out, *)
          case .divide: broadcast.apply(a, b, into: out, /)
          case .preluSlope: broadcast.apply(a, b, into: out) { x, slope in x < 0 ? slope * x : x }
          }
        }
      }
      var output: [Float]
      if leftIsOutput {
        // In place: each output value reads only its own position of the left operand.
        output = values.take(0).takeFloats()
        output.withUnsafeMutableBufferPointer { out in compute(UnsafeBufferPointer(out), into: out)
        }
      } else {
        let a = values.take(0).takeFloats()
        output = [Float](repeating: 0, count: broadcast.shape.reduce(1, *))
        a.withUnsafeBufferPointer { a in
          output.withUnsafeMutableBufferPointer { compute(a, into: $0) }
        }
      }
      return [GraphValue(shape: broadcast.shape, floats: output)]
    }
  }

  /// Shape arithmetic on integers (division truncates toward zero, as onnxruntime).
  private static func integerResult(
    _ operation: Operation, _ a: [Int64], _ b: [Int64], _ broadcast: Broadcast
  ) throws(PlanningError) -> [Int64] {
    if operation == .divide && b.contains(0) { throw PlanningError("integer division by zero") }
    var output = [Int64](repeating: 0, count: broadcast.shape.reduce(1, *))
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { out in
          switch operation {
          case .add: broadcast.apply(a, b, into: out, &+)
          case .subtract: broadcast.apply(a, b, into: out, &-)
          case .multiply: broadcast.apply(a, b, into: out, &*)
          case .divide: broadcast.apply(a, b, into: out, /)
          case .preluSlope: broadcast.apply(a, b, into: out) { x, slope in x < 0 ? slope &* x : x }
          }
        }
      }
    }
    return output
  }
}
